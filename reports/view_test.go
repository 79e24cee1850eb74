package reports

import (
	"encoding/json"
	"reflect"
	"testing"
)

// generic is v as JSON decodes it (maps, slices, float64s).
func generic(t testing.TB, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// expandView puts a view's compact chart together over the section's
// option as report.js does (viewOption, item), on the JSON.
func expandView(t testing.TB, F *Filters, section *Option, chart string, vc *ViewChart) any {
	t.Helper()
	o := generic(t, section).(map[string]any)
	set := generic(t, vc.Set).(map[string]any)
	for _, k := range []string{"xAxis", "yAxis", "visualMap", "series"} {
		parts, _ := set[k].([]any)
		for i, a := range parts {
			dst, _ := o[k].([]any)
			for len(dst) <= i {
				dst = append(dst, map[string]any{})
			}
			el, _ := dst[i].(map[string]any)
			if el == nil {
				el = map[string]any{}
			}
			for key, val := range a.(map[string]any) {
				el[key] = val
			}
			dst[i] = el
			o[k] = dst
		}
	}
	pts := generic(t, vc.Points).([]any)
	series := o["series"].([]any)
	titles := map[float64]any{}
	for _, se := range series {
		items, _ := se.(map[string]any)["data"].([]any)
		for _, d := range items {
			it, _ := d.(map[string]any)
			if i, ok := it["i"].(float64); ok && it["tip"] != nil {
				titles[i] = it["tip"].([]any)[0]
			}
		}
	}
	for k, rows := range pts {
		var items []any
		at := -1.0
		for _, r := range rows.([]any) {
			row := r.([]any)
			it := map[string]any{}
			for j, f := range F.Fields[chart] {
				switch f {
				case "di":
					at += row[j].(float64)
					it["i"] = at
				case "tip", "lines":
					var tip []any
					if f == "lines" {
						tip = append(tip, titles[it["i"].(float64)])
					}
					for _, x := range row[j:] {
						tip = append(tip, F.Strings[int(x.(float64))])
					}
					it["tip"] = tip
				case "x":
					it["value"] = []any{row[j]}
				case "y":
					it["value"] = append(it["value"].([]any), row[j])
				case "text":
					if s := F.Strings[int(row[j].(float64))]; s != "" {
						it["text"] = s
					}
				case "value":
					it["value"] = row[j]
				case "i":
					if row[j] != nil {
						it["i"] = row[j]
					}
				case "symbolSize":
					if row[j] != 0.0 {
						it["symbolSize"] = row[j]
					}
				}
			}
			items = append(items, it)
		}
		if items == nil {
			items = []any{}
		}
		series[k].(map[string]any)["data"] = items
	}
	if vc.Tips != nil {
		var tips []any
		for _, tp := range vc.Tips {
			var tip []any
			for _, x := range tp {
				tip = append(tip, F.Strings[x])
			}
			tips = append(tips, tip)
		}
		o["tips"] = tips
	}
	return o
}

// checkViewCharts holds every view's compact charts, put together over the
// section's option as the page does, equal to the option built for the
// view: nothing the page draws is lost or left over from the section.
func checkViewCharts(t *testing.T, m *Model) {
	F := m.Filters
	for key, v := range F.Views {
		for _, id := range []string{"trend", "quadrant", "heatmap"} {
			var sec *Section
			for i := range m.Main {
				if m.Main[i].ID == id {
					sec = &m.Main[i]
				}
			}
			vc := v.Charts[id]
			if vc == nil || sec == nil || sec.Chart == nil {
				continue
			}
			got, want := expandView(t, F, sec.Chart.Option, id, vc), generic(t, v.Options[id])
			if !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				t.Errorf("view %s %s: the compact chart puts together\n%s\nbuilt\n%s", key, id, g, w)
				return
			}
		}
	}
}
