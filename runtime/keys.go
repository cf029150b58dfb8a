package runtime

import (
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/frontdesk-health/frontdesk/persistence/seal"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// keyFile is where a generated key lives in the data directory.
const keyFile = "encryption.key"

// loadKeyring returns the keyring for state at rest: the configured key,
// or (embedded store only) a key generated once and kept in the data dir.
func loadKeyring(cfg config.Config, log *slog.Logger) (*seal.Keyring, error) {
	key := cfg.EncryptionKeyBytes()
	if key == nil {
		if cfg.RedisURL.Value() != "" {
			return nil, fmt.Errorf("load encryption key: FRONTDESK_ENCRYPTION_KEY is required with REDIS_URL")
		}
		path := filepath.Join(cfg.DataDir, keyFile)
		var err error
		if key, err = seal.LoadOrCreateKeyFile(path); err != nil {
			return nil, fmt.Errorf("load encryption key: %w", err)
		}
		if !cfg.Demo {
			log.Warn("FRONTDESK_ENCRYPTION_KEY is unset: using the key file in the data directory; back it up with the store", "path", path)
		}
	}
	kr, err := seal.NewKeyring(key, cfg.OldKeyBytes()...)
	if err != nil {
		return nil, fmt.Errorf("load encryption key: %w", err)
	}
	return kr, nil
}
