package config

import "fmt"

// checkUnique enforces what only the whole file can show: activation codes
// are unique (a patient's "hi abc" must select one hospital) and so are API
// keys (for /api/* the key alone selects the hospital).
func checkUnique(hospitals []Hospital, labels []string, p *problems) {
	codes := map[string]int{}
	keys := map[string]int{}
	for i, h := range hospitals {
		bad := p.reporter(labels[i])
		if h.Code != "" {
			if first, ok := codes[h.Code]; ok {
				bad("code", "%q is already used by hospitals[%d] (codes are matched case-insensitively)", h.Code, first)
			} else {
				codes[h.Code] = i
			}
		}
		for j, k := range h.APIKeysSHA256 {
			if first, ok := keys[k]; ok {
				bad(fmt.Sprintf("api_keys_sha256[%d]", j), "the same key is already listed for hospitals[%d]; each key must belong to one hospital", first)
			} else {
				keys[k] = i
			}
		}
	}
}
