package nodetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Modules runs `npm ci` in folder when node_modules does not hold every
// package that folder's package-lock.json pins, at its version. Test
// binaries of several packages may start at once, so the check and the
// install run under a file lock.
func Modules(ctx context.Context, folder string) error {
	unlock, err := lockFolder(folder)
	if err != nil {
		return err
	}
	defer unlock()
	if fresh, err := modulesFresh(folder); err != nil || fresh {
		return err
	}
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = folder
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm ci in %s: %w\n%s", folder, err, out)
	}
	return nil
}

// modulesFresh reports whether every package the lock file pins is
// installed at its version. Optional packages of another platform
// (fsevents, ...) may be missing.
func modulesFresh(folder string) (bool, error) {
	raw, err := os.ReadFile(filepath.Join(folder, "package-lock.json"))
	if err != nil {
		return false, fmt.Errorf("read package-lock.json: %w", err)
	}
	var lock struct {
		Packages map[string]struct {
			Version  string `json:"version"`
			Optional bool   `json:"optional"`
		} `json:"packages"`
	}
	if err := json.Unmarshal(raw, &lock); err != nil {
		return false, fmt.Errorf("parse %s/package-lock.json: %w", folder, err)
	}
	if len(lock.Packages) < 2 {
		return false, fmt.Errorf("%s/package-lock.json pins no packages (lockfileVersion 2 or later is needed)", folder)
	}
	for path, want := range lock.Packages {
		if path == "" {
			continue // the folder's own package
		}
		b, err := os.ReadFile(filepath.Join(folder, path, "package.json"))
		if err != nil {
			if want.Optional && errors.Is(err, os.ErrNotExist) {
				continue
			}
			return false, nil
		}
		var got struct {
			Version string `json:"version"`
		}
		if json.Unmarshal(b, &got) != nil || got.Version != want.Version {
			return false, nil
		}
	}
	return true, nil
}
