package report

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// tools finds headless Chromium and pdftotext. Missing locally, the test
// skips and says how to install them; missing in CI (CI set), it fails:
// CI installs both (.ci/run).
func tools(t *testing.T) (chromium, pdftotext string) {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			chromium = p
			break
		}
	}
	pdftotext, _ = exec.LookPath("pdftotext")
	if chromium == "" || pdftotext == "" {
		msg := "needs chromium and pdftotext: apt-get install -y chromium poppler-utils fonts-noto-cjk"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return chromium, pdftotext
}

// proxy is an HTTP proxy that answers 404 to everything and remembers what
// it was asked for: Chromium is pointed at it for every host, loopback
// included, so any request the page makes lands here. Chromium's own
// service calls, which the flags below do not all silence (component
// updates, sign-in, network time), go to the hosts in browserOwn and are
// not counted; a page that loads anything from anywhere else is.
type proxy struct {
	addr string
	mu   sync.Mutex
	seen []string
}

func newProxy(t *testing.T) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{addr: ln.Addr().String()}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		if !browserOwn[host] {
			p.mu.Lock()
			p.seen = append(p.seen, r.Method+" "+r.Host+r.URL.Path)
			p.mu.Unlock()
		}
		http.Error(w, "no network in a report", http.StatusNotFound)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return p
}

// browserOwn are the hosts Chromium 1xx calls on its own in headless mode.
var browserOwn = map[string]bool{
	"update.googleapis.com": true, "accounts.google.com": true, "clients2.google.com": true,
	"redirector.gvt1.com": true, "optimizationguide-pa.googleapis.com": true,
}

func (p *proxy) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

// printPDF prints page (a local file) to a PDF with headless Chromium,
// every request going to the proxy.
func printPDF(t *testing.T, chromium, page string, p *proxy) string {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "out.pdf")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu",
		"--no-pdf-header-footer", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--proxy-server=http://"+p.addr, "--proxy-bypass-list=<-loopback>",
		// Chromium's own traffic (updates, sign-in, hints) off, so what
		// reaches the proxy is the page's.
		"--disable-background-networking", "--disable-component-update", "--no-first-run",
		"--disable-sync", "--disable-extensions", "--disable-default-apps", "--disable-domain-reliability",
		"--disable-client-side-phishing-detection", "--disable-breakpad", "--no-default-browser-check",
		"--no-service-autorun", "--password-store=basic", "--metrics-recording-only",
		"--disable-features=OptimizationHints,OptimizationHintsFetching,OptimizationGuideModelDownloading,Translate,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater,NetworkTimeServiceQuerying",
		"--print-to-pdf="+out, "file://"+page)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatalf("chromium wrote no PDF: %v\n%s", err, stderr.String())
	}
	return out
}

func pdfText(t *testing.T, pdftotext, pdf string) string {
	t.Helper()
	b, err := exec.Command(pdftotext, pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(b)
}

// The HTML report as a reader gets it: printed to PDF by a real headless
// Chromium, its text read back with pdftotext. The key figures are on the
// page, Chinese names included, and the page asked the network for nothing.
func TestChromiumPrintsTheReport(t *testing.T) {
	chromium, pdftotext := tools(t)
	_, r := demoReport(t)
	var b bytes.Buffer
	if err := HTML(&b, r); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	// Nothing in the page can point anywhere: no attribute that loads a
	// resource, no CSS url() or @import, no script, link, frame or base.
	for _, re := range []string{`(?i)\s(src|href|srcset|poster|action|data|xlink:href)\s*=`, `(?i)url\(`, `(?i)@import`,
		`(?i)<(script|link|iframe|object|embed|base|img|meta http-equiv)`} {
		if m := regexp.MustCompile(re).FindString(html); m != "" {
			t.Errorf("the page holds %q", m)
		}
	}
	page := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	p := newProxy(t)
	text := pdfText(t, pdftotext, printPDF(t, chromium, page, p))
	if reqs := p.requests(); len(reqs) > 0 {
		t.Errorf("printing the report made network requests: %v", reqs)
	}
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{
		"Production environment and data deliberately destroyed",
		"150,000,000.00", "206 hours", "8 days 14 hours (206 hours)",
		"45,100,540.86", "2020-02-23 19:00 CST (Asia/Shanghai)", "SEV1",
		"孙涛勇", // a CJK font rendered the name (pdftotext reads glyphs back)
		"warroom audit verify --anchor",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the printed report lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("pdftotext:\n%s", text)
	}
}

// The network probe can fail: a page with one remote image, printed the
// same way, reaches the proxy.
func TestChromiumProbeSeesRequests(t *testing.T) {
	chromium, _ := tools(t)
	page := filepath.Join(t.TempDir(), "fetch.html")
	if err := os.WriteFile(page, []byte(`<!DOCTYPE html><p>x</p><img src="http://report-probe.example/pixel.png">`), 0o644); err != nil {
		t.Fatal(err)
	}
	p := newProxy(t)
	printPDF(t, chromium, page, p)
	reqs := p.requests()
	if !strings.Contains(strings.Join(reqs, "\n"), "report-probe.example/pixel.png") {
		t.Fatalf("the proxy saw %v; want the page's image request", reqs)
	}
}
