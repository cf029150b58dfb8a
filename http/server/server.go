// Package server builds frontdesk's gin engine: middleware (panic
// recovery, request metrics, access logs without patient data), the ops
// routes (/healthz, /readyz, /metrics) and the table of every route.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/frontdesk-health/frontdesk/runtime/metrics"
)

// Route is one row of the route table.
type Route struct {
	Method  string
	Path    string
	Handler gin.HandlerFunc
}

// Options configures the engine.
type Options struct {
	Logger  *slog.Logger
	Metrics *metrics.Metrics
	// Ready reports whether the process can take traffic (store reachable,
	// not shutting down).
	Ready func(ctx context.Context) error
	// Routes are the product's routes, registered in order.
	Routes []Route
}

func init() {
	// gin's debug banner and route dump would print to stdout.
	gin.SetMode(gin.ReleaseMode)
}

// New returns the engine with the ops routes and opts.Routes.
func New(opts Options) *gin.Engine {
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.Use(recovery(opts.Logger), accessLog(opts.Logger))
	e.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	e.GET("/readyz", readyz(opts.Ready))
	e.GET("/metrics", gin.WrapH(promhttp.HandlerFor(opts.Metrics.Registry, promhttp.HandlerOpts{Registry: opts.Metrics.Registry})))
	for _, r := range opts.Routes {
		e.Handle(r.Method, r.Path, r.Handler)
	}
	e.NoRoute(func(c *gin.Context) { c.JSON(http.StatusNotFound, gin.H{"error": "no such route"}) })
	e.NoMethod(func(c *gin.Context) { c.JSON(http.StatusMethodNotAllowed, gin.H{"error": "method not allowed"}) })
	return e
}

func readyz(ready func(ctx context.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready", "reason": err.Error()})
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ready"})
	}
}

// recovery turns a handler panic into a 500 and a log line (without the
// request, which may hold patient data).
func recovery(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				log.Error("http handler panicked", "component", "http", "route", c.FullPath(), "panic_type", typeName(r))
				c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": "internal error"})
			}
		}()
		c.Next()
	}
}

// accessLog logs method, route pattern (not the raw path), status and
// duration at debug level.
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !log.Enabled(c.Request.Context(), slog.LevelDebug) {
			c.Next() // the line would be dropped: do not build it
			return
		}
		begin := time.Now()
		c.Next()
		log.Debug("http request", "component", "http", "method", c.Request.Method, "route", c.FullPath(),
			"status", c.Writer.Status(), "duration", time.Since(begin))
	}
}
