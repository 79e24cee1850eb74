# Usage: python3 bench/nextday.py GEN_DIR OUT_DIR  (after make bench-large: GEN_DIR is $BENCH_DIR/gen)
# Makes a second night from day 366's exports: every date one day later,
# every contact/event/survey id suffixed (new keys), customers, cases and
# agents unchanged (the same people come back). Identity links are left out
# (their keys are already linked). One-off measuring aid, not shipped.
import re, sys, datetime, os
src, dst = sys.argv[1], sys.argv[2]
iso = re.compile(r'(\d{4})-(\d{2})-(\d{2})')
us = re.compile(r'\b(\d{2})/(\d{2})/(\d{4})\b')
def shift_iso(m):
    d = datetime.date(int(m[1]), int(m[2]), int(m[3])) + datetime.timedelta(days=1)
    return d.isoformat()
def shift_us(m):
    d = datetime.date(int(m[3]), int(m[1]), int(m[2])) + datetime.timedelta(days=1)
    return d.strftime('%m/%d/%Y')
def shift(s): return us.sub(shift_us, iso.sub(shift_iso, s))
ids = {  # file prefix -> column indexes (CSV) of ids to suffix
    'acd_calls': [0, 1], 'crm_events': [0], 'store_visits': [0], 'surveys': [0, 1]}
for name in os.listdir(src):
    if not name.endswith('2026-06-02.csv') and not name.endswith('2026-06-02.jsonl'):
        continue
    kind = name.rsplit('_', 1)[0]
    if kind == 'identity_map':
        continue
    out = os.path.join(dst, name.replace('2026-06-02', '2026-06-03'))
    with open(os.path.join(src, name)) as f, open(out, 'w') as g:
        for i, line in enumerate(f):
            if i == 0 and kind != 'chat_sessions':
                g.write(line); continue
            if kind == 'chat_sessions':
                line = re.sub(r'"session_id":"([^"]+)"', r'"session_id":"\1x"', line)
            else:
                cols = line.rstrip('\n').split(',')
                for c in ids[kind]:
                    if cols[c]: cols[c] += 'x'
                line = ','.join(cols) + '\n'
            g.write(shift(line))
