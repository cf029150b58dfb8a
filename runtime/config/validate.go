package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

var (
	codeRe        = regexp.MustCompile(`^[a-z0-9-]{2,32}$`)
	senderRe      = regexp.MustCompile(`^whatsapp:\+[1-9][0-9]{7,14}$`)
	countryCodeRe = regexp.MustCompile(`^[1-9][0-9]{0,2}$`)
	sha256Re      = regexp.MustCompile(`^[0-9a-f]{64}$`)
	contentSIDRe  = regexp.MustCompile(`^HX[0-9a-fA-F]{32}$`)
)

// validateHospital normalises h in place (code and languages lowercased,
// defaults filled, Location loaded) and reports every field that is wrong.
// Values that might be secrets (api keys pasted instead of their hashes,
// anything expanded from the environment) are not quoted.
func validateHospital(h *Hospital, bad report) {
	h.Code = strings.ToLower(strings.TrimSpace(h.Code))
	switch {
	case h.Code == "":
		bad("code", "required")
	case !codeRe.MatchString(h.Code):
		bad("code", "must be 2-32 characters from a-z, 0-9 and -")
	}
	h.Name = strings.TrimSpace(h.Name)
	if h.Name == "" {
		bad("name", "required")
	}
	h.Helpline = strings.TrimSpace(h.Helpline)
	if h.Helpline == "" {
		bad("helpline", "required: patients are sent to it when the EMR is down")
	}
	if h.MapsURL != "" {
		if msg := checkHTTPURL(h.MapsURL, false); msg != "" {
			bad("maps_url", "%s", msg)
		}
	}
	validateTimezone(h, bad)
	validateLanguages(h, bad)
	if h.Active == nil {
		active := true
		h.Active = &active
	}
	validateSender(h, bad)
	for i, k := range h.APIKeysSHA256 {
		k = strings.ToLower(strings.TrimSpace(k))
		h.APIKeysSHA256[i] = k
		if !sha256Re.MatchString(k) {
			bad(fmt.Sprintf("api_keys_sha256[%d]", i), "must be 64 hex characters: the SHA-256 of the key, not the key (printf %%s \"$KEY\" | sha256sum)")
		}
	}
	validateEMR(&h.EMR, bad)
	validateTemplates(h, bad)
	validateSendRate(h, bad)
	validateMessages(h, bad)
	validateQuietHours(h, bad)
	validateCallbackSecret(h, bad)
}

// MinCallbackSecret is the shortest callback_secret accepted, in bytes.
const MinCallbackSecret = 16

// validateCallbackSecret trims the secret and refuses one too short to
// sign with; the value is never quoted.
func validateCallbackSecret(h *Hospital, bad report) {
	h.CallbackSecret = Secret(strings.TrimSpace(h.CallbackSecret.Value()))
	if s := h.CallbackSecret.Value(); s != "" && len(s) < MinCallbackSecret {
		bad("callback_secret", "must be at least %d characters; make one with: openssl rand -hex 32", MinCallbackSecret)
	}
}

func validateTimezone(h *Hospital, bad report) {
	h.Timezone = strings.TrimSpace(h.Timezone)
	if h.Timezone == "" {
		h.Timezone = DefaultTimezone
	}
	loc, err := time.LoadLocation(h.Timezone)
	// "Local" would make reminder times depend on the host's settings.
	if err != nil || h.Timezone == "Local" {
		bad("timezone", "%q is not an IANA time zone such as Asia/Kolkata", h.Timezone)
		return
	}
	h.Location = loc
}

func validateLanguages(h *Hospital, bad report) {
	if len(h.Languages) == 0 {
		h.Languages = []string{"en"}
		return
	}
	seen := map[string]bool{}
	for i, l := range h.Languages {
		l = strings.ToLower(strings.TrimSpace(l))
		h.Languages[i] = l
		field := fmt.Sprintf("languages[%d]", i)
		switch {
		case !slices.Contains(SupportedLanguages(), l):
			bad(field, "%q is not a supported language (%s)", l, strings.Join(SupportedLanguages(), ", "))
		case seen[l]:
			bad(field, "%q is listed twice", l)
		}
		seen[l] = true
	}
}

func validateSender(h *Hospital, bad report) {
	h.Sender = strings.TrimSpace(h.Sender)
	switch {
	case h.Sender == "":
		bad("sender", "required: the Twilio WhatsApp sender this location answers from")
	case !senderRe.MatchString(h.Sender):
		bad("sender", "must be whatsapp:+ followed by the 8-15 digit E.164 number")
	}
	h.CountryCode = strings.TrimPrefix(strings.TrimSpace(h.CountryCode), "+")
	switch {
	case h.CountryCode == "":
		bad("country_code", "required: the calling code the EMR's national numbers drop, e.g. \"91\"")
	case !countryCodeRe.MatchString(h.CountryCode):
		bad("country_code", "must be 1-3 digits, e.g. \"91\"")
	}
}

func validateMessages(h *Hospital, bad report) {
	for _, lang := range sortedKeys(h.Messages) {
		if !slices.Contains(SupportedLanguages(), lang) {
			bad("messages."+lang, "not a supported language (%s)", strings.Join(SupportedLanguages(), ", "))
			continue
		}
		for key := range h.Messages[lang] {
			if strings.TrimSpace(key) == "" {
				bad("messages."+lang, "a message key is empty")
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
