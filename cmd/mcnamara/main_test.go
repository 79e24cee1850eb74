package main

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/mcnamara/mcnamara/reports"
)

// TestMain lets testscript run this test binary as the real `mcnamara`
// command inside scripts.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"mcnamara":     func() { os.Exit(run()) },
		"lake-outside": func() { os.Exit(lakeOutside(os.Args[1:], os.Stdout)) },
	})
}

// TestScript runs the end-to-end scenarios in testdata/script/*.txtar
// against the real command. $SHARED points at ../shared (real data sets).
// [mount] holds where this process may mount file systems; [chromium] and
// [poppler] hold when the tool is installed, and always in CI, where a
// missing one must fail the script, not skip it.
func TestScript(t *testing.T) {
	shared, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared"))
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(env *testscript.Env) error {
			env.Setenv("SHARED", shared)
			env.Setenv("XDG_CACHE_HOME", filepath.Join(env.WorkDir, ".cache"))
			if c := os.Getenv("CHROMIUM"); c != "" {
				env.Setenv("CHROMIUM", c)
			}
			return nil
		},
		RequireExplicitExec: false,
		Condition: func(cond string) (bool, error) {
			ci := os.Getenv("CI") == "true"
			switch cond {
			case "mount":
				return canMount(), nil
			case "chromium":
				_, err := reports.FindChromium()
				return err == nil || ci, nil
			case "poppler":
				_, err1 := exec.LookPath("pdftoppm")
				_, err2 := exec.LookPath("pdftotext")
				return err1 == nil && err2 == nil || ci, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mount-tmpfs": mountTmpfs,
			"mount-ro":    mountReadOnly,
			"pdfpages":    cmdPDFPages,
			"pdftext":     cmdPDFText,
		},
	})
}

// canMount says whether this process may mount file systems (root, or a
// container that allows it): the disk-full and read-only tests need it.
func canMount() bool {
	dir, err := os.MkdirTemp("", "mcnamara-mount-probe")
	if err != nil {
		return false
	}
	defer os.Remove(dir)
	if err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir).Run(); err != nil {
		return false
	}
	return exec.Command("umount", dir).Run() == nil
}

// mountTmpfs is `mount-tmpfs DIR SIZE`: a tmpfs of SIZE (e.g. 24m) at DIR,
// unmounted when the script ends: a small disk to fill.
func mountTmpfs(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mount-tmpfs DIR SIZE")
	}
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o755))
	mount(ts, dir, "-t", "tmpfs", "-o", "size="+args[1], "tmpfs", dir)
}

// mountReadOnly is `mount-ro DIR`: DIR bind-mounted read-only over itself,
// unmounted when the script ends (root writes through mode bits, not
// through a read-only mount).
func mountReadOnly(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mount-ro DIR")
	}
	dir := ts.MkAbs(args[0])
	mount(ts, dir, "--bind", dir, dir)
	if out, err := exec.Command("mount", "-o", "remount,ro,bind", dir).CombinedOutput(); err != nil {
		ts.Fatalf("remount %s read-only: %v: %s", dir, err, out)
	}
}

func mount(ts *testscript.TestScript, dir string, args ...string) {
	if out, err := exec.Command("mount", args...).CombinedOutput(); err != nil {
		ts.Fatalf("mount %v: %v: %s", args, err, out)
	}
	ts.Defer(func() {
		if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
			ts.Logf("umount %s: %v: %s", dir, err, out)
		}
	})
}

// cmdPDFPages: pdfpages FILE MIN MAX turns every page into a PNG
// (pdftoppm, 50 dpi) and fails unless there are MIN to MAX pages and none
// is blank: white all over above the bottom margin, where the page number
// is printed.
func cmdPDFPages(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: pdfpages FILE MIN MAX")
	}
	lo, err1 := strconv.Atoi(args[1])
	hi, err2 := strconv.Atoi(args[2])
	if err1 != nil || err2 != nil {
		ts.Fatalf("pdfpages: MIN and MAX are page counts")
	}
	dir, err := os.MkdirTemp(ts.MkAbs("."), "pages-")
	ts.Check(err)
	defer os.RemoveAll(dir)
	const dpi = 50
	if out, err := exec.Command("pdftoppm", "-r", strconv.Itoa(dpi), "-png", ts.MkAbs(args[0]), filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		ts.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	pngs, err := filepath.Glob(filepath.Join(dir, "p-*.png"))
	ts.Check(err)
	sort.Strings(pngs)
	footer := 14 * dpi * 10 / 254 // the bottom margin, 14 mm, in pixels
	var blank []string
	for _, p := range pngs {
		f, err := os.Open(p)
		ts.Check(err)
		img, err := png.Decode(f)
		f.Close()
		ts.Check(err)
		if isBlank(img, footer) {
			blank = append(blank, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), "p-"), ".png"))
		}
	}
	if len(pngs) < lo || len(pngs) > hi {
		ts.Fatalf("%s: %d pages, want %d to %d", args[0], len(pngs), lo, hi)
	}
	if len(blank) > 0 {
		ts.Fatalf("%s: blank pages %s of %d", args[0], strings.Join(blank, ", "), len(pngs))
	}
	fmt.Fprintf(ts.Stdout(), "%d pages, none blank\n", len(pngs))
}

// isBlank: every pixel above the bottom footer rows is (nearly) white.
func isBlank(img image.Image, footer int) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y-footer; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				return false
			}
		}
	}
	return true
}

// TestIsBlank: a page is blank when white all over above its footer rows.
func TestIsBlank(t *testing.T) {
	page := func(x, y int) image.Image {
		img := image.NewGray(image.Rect(0, 0, 40, 60))
		for i := range img.Pix {
			img.Pix[i] = 0xff
		}
		if x >= 0 {
			img.Pix[y*img.Stride+x] = 0x80
		}
		return img
	}
	for _, tt := range []struct {
		name  string
		img   image.Image
		blank bool
	}{
		{"white", page(-1, 0), true},
		{"a mark in the footer only", page(20, 55), true},
		{"a mark at the top", page(3, 0), false},
		{"a mark just above the footer", page(39, 49), false},
	} {
		if got := isBlank(tt.img, 10); got != tt.blank {
			t.Errorf("%s: isBlank = %v, want %v", tt.name, got, tt.blank)
		}
	}
}

// cmdPDFText: pdftext FILE FIRST LAST prints the text of pages FIRST to
// LAST (pdftotext) with runs of white space made one space, so that a
// sentence wrapped across lines matches a stdout pattern.
func cmdPDFText(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: pdftext FILE FIRST LAST")
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", "-f", args[1], "-l", args[2], ts.MkAbs(args[0]), "-").Output()
	if err != nil {
		ts.Fatalf("pdftotext: %v", err)
	}
	fmt.Fprintln(ts.Stdout(), strings.Join(strings.Fields(string(out)), " "))
}

// TestSignalContext: a signal cancels the context with the signal as its
// cause, which main turns into exit code 128 + its number (nightly_run.txtar
// checks the 143 of SIGTERM end to end).
func TestSignalContext(t *testing.T) {
	ctx, stop := signalContext(context.Background(), syscall.SIGUSR1)
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the signal did not cancel the context")
	}
	var sig signalError
	if !errors.As(context.Cause(ctx), &sig) || sig.sig != syscall.SIGUSR1 {
		t.Fatalf("cause = %v, want the signal SIGUSR1", context.Cause(ctx))
	}
}
