package runtime

import (
	"fmt"
	"net/http"

	fdmedia "github.com/frontdesk-health/frontdesk/actors/media"
	httpmedia "github.com/frontdesk-health/frontdesk/http/media"
	"github.com/frontdesk-health/frontdesk/http/server"
	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// mediaParts take in the files patients send: the hospital actors
// download them with the preparer before the EMR sees them, and the EMR
// fetches them back from /media/:id through the vault.
type mediaParts struct {
	vault    *fdmedia.Vault
	preparer *fdmedia.Preparer
}

// WithMediaTransport replaces the transport media downloads use; tests
// answer Twilio's hosts (api.twilio.com, its CDN) with it in process.
func WithMediaTransport(rt http.RoundTripper) Option {
	return func(s *settings) { s.mediaTransport = rt }
}

// newMedia wires the media parts. Downloads may start at, and follow
// redirects to, Twilio's API (with the account's credentials) and its
// media CDN (without), when Twilio is configured, and the web
// simulator's own upload path on the public URL (without credentials:
// in the demo the simulator stands in for Twilio). Links are signed with
// a key derived from the deployment's hash key (see fdmedia.LinkKey): the
// same in every process and across encryption key rotations.
func newMedia(cfg config.Config, s *settings, store persistence.Store, sealer persistence.Sealer, hashKey []byte) (*mediaParts, error) {
	var origins []fdmedia.Origin
	if cfg.TwilioConfigured() {
		twilio, err := fdmedia.TwilioOrigins(cfg.TwilioAPIBaseURL)
		if err != nil {
			return nil, fmt.Errorf("set up media downloads: %w", err)
		}
		origins = append(origins, twilio...)
	}
	if cfg.Simulator {
		sim, err := fdmedia.OriginOf(cfg.PublicURL+"/simulator/media/", false)
		if err != nil {
			return nil, fmt.Errorf("set up media downloads: %w", err)
		}
		origins = append(origins, sim)
	}
	fetcher := fdmedia.NewFetcher(fdmedia.FetcherOptions{
		AccountSID: cfg.TwilioAccountSID, AuthToken: cfg.TwilioAuthToken.Value(),
		Origins: origins, Transport: s.mediaTransport,
	})
	vault, err := fdmedia.NewVault(fdmedia.VaultOptions{
		Store: store, Sealer: sealer, Key: fdmedia.LinkKey(hashKey), PublicURL: cfg.PublicURL, Now: s.now,
	})
	if err != nil {
		return nil, fmt.Errorf("set up media store: %w", err)
	}
	return &mediaParts{vault: vault, preparer: &fdmedia.Preparer{Fetcher: fetcher, Vault: vault}}, nil
}

// mediaRoutes serve the kept files to the EMR.
func (a *App) mediaRoutes() []server.Route {
	return httpmedia.Routes(httpmedia.Options{Vault: a.media.vault, Logger: a.log})
}
