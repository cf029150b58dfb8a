package simulator

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"path"

	"github.com/gin-gonic/gin"

	"github.com/frontdesk-health/frontdesk/http/server"
)

// static holds the page, its script and styles: plain files, no build
// step, nothing fetched from the network (the demo runs offline).
//
//go:embed static
var static embed.FS

var pages = template.Must(template.ParseFS(static, "static/*.html"))

// assets are the files served under /simulator/assets/, with their types.
var assets = map[string]string{
	"app.js":       "text/javascript; charset=utf-8",
	"render.js":    "text/javascript; charset=utf-8",
	"view.js":      "text/javascript; charset=utf-8",
	"reminders.js": "text/javascript; charset=utf-8",
	"app.css":      "text/css; charset=utf-8",
	"demo.css":     "text/css; charset=utf-8",
}

// csp keeps the page to its own scripts and styles; images may come from
// anywhere, as the bot's media URLs do.
const csp = "default-src 'self'; img-src * data: blob:; script-src 'self'; style-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// hospitalView is one hospital as the page offers it.
type hospitalView struct {
	Code   string
	Name   string
	Sender string
	Active bool
}

// pageView fills index.html.
type pageView struct {
	Hospitals []hospitalView
	FirstCode string // the activation code the guide shows before the script runs
	Replies   string // "simulator": shown on the page; "twilio": sent to the real number
	Demo      bool   // the demo EMR runs: offer its patients' numbers
	// Reminders is the demo hospital's code when the page offers to
	// schedule reminders there; empty otherwise.
	Reminders string
}

// page handles GET /: the WhatsApp-like chat.
func (h *handlers) page(c *gin.Context) {
	v := pageView{Replies: "simulator", Demo: h.opts.Demo != nil}
	if h.opts.Sink == nil {
		v.Replies = "twilio"
	}
	for _, hp := range h.opts.Hospitals {
		v.Hospitals = append(v.Hospitals, hospitalView{Code: hp.Code, Name: hp.Name, Sender: hp.Sender, Active: hp.IsActive()})
	}
	if len(v.Hospitals) > 0 {
		v.FirstCode = v.Hospitals[0].Code
	}
	if h.offersReminders() {
		v.Reminders, _ = h.demoHospital()
	}
	render(c, http.StatusOK, "index.html", v)
}

// asset handles GET /simulator/assets/:name.
func (h *handlers) asset(c *gin.Context) {
	name := c.Param("name")
	ct, ok := assets[name]
	if !ok {
		server.Abort(c, server.Errorf(http.StatusNotFound, "no such asset"))
		return
	}
	data, err := static.ReadFile(path.Join("static", name))
	if err != nil {
		server.Abort(c, &server.Error{Status: http.StatusInternalServerError, Message: "asset missing", Err: err})
		return
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, ct, data)
}

// payView fills pay.html.
type payView struct {
	Title         string
	Message       string
	AppointmentID string
	Amount        string
	Form          bool // show the Pay now button
	Done          bool
}

func (h *handlers) renderPay(c *gin.Context, status int, v payView) {
	render(c, status, "pay.html", v)
}

// render executes a page template and answers it; a template error (a
// programming mistake) is a 500 rather than half a page.
func render(c *gin.Context, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		server.Abort(c, &server.Error{Status: http.StatusInternalServerError, Message: "page failed", Err: err})
		return
	}
	c.Header("Content-Security-Policy", csp)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}
