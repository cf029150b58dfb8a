package runtime

import (
	"fmt"
	"net/http"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/emr/demo"
	"github.com/frontdesk-health/frontdesk/emr/fhir"
	"github.com/frontdesk-health/frontdesk/emr/restapi"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// emrClients builds each hospital's EMR adapter. Demo hospitals share one
// demo EMR, which the demo pages also use.
func emrClients(cfg config.Config, s *settings) (map[string]emr.Client, *demo.EMR, error) {
	clients := make(map[string]emr.Client, len(cfg.Hospitals))
	var demoEMR *demo.EMR
	for _, h := range cfg.Hospitals {
		if c, ok := s.emrs[h.Code]; ok {
			clients[h.Code] = c
			continue
		}
		switch h.EMR.Kind {
		case config.EMRKindDemo:
			if demoEMR == nil {
				demoEMR = demo.New(demo.Options{
					Now: s.now, Location: h.Location, HospitalName: h.Name,
					PaymentBaseURL: cfg.PublicURL + "/demo/pay", RecordURLBase: cfg.PublicURL + "/demo/records",
				})
			}
			clients[h.Code] = demoEMR
		case config.EMRKindRESTAPI:
			c, err := restapi.New(h, s.httpClient)
			if err != nil {
				return nil, nil, fmt.Errorf("hospital %s: %w", h.Code, err)
			}
			clients[h.Code] = c
		case config.EMRKindFHIR:
			c, err := fhir.New(h, s.httpClient, fhir.WithClock(s.now))
			if err != nil {
				return nil, nil, fmt.Errorf("hospital %s: %w", h.Code, err)
			}
			clients[h.Code] = c
		default:
			return nil, nil, fmt.Errorf("hospital %s: emr kind %q is not available in this build", h.Code, h.EMR.Kind)
		}
	}
	return clients, demoEMR, nil
}

// defaultHTTPClient is the client EMR adapters share; each call has its
// own timeout from the hospital's configuration.
func defaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 32
	return &http.Client{Transport: t}
}
