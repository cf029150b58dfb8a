package restapi_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/emr/restapi"
	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// TestNewRefusesBadConfig checks that a hospital whose EMR cannot work is
// refused up front, with an error naming what is wrong but not the URL.
func TestNewRefusesBadConfig(t *testing.T) {
	fake := restapitest.NewServer(t)
	required := []string{
		"match_mobile", "register", "upcoming", "departments", "doctors",
		"book_in_person", "book_video", "health_records", "profile_pic",
	}
	type edit func(h *config.Hospital)
	tests := []struct {
		name, wantErr string
		edit          edit
	}{
		{"no hid", "emr.hid", func(h *config.Hospital) { h.EMR.HID = " " }},
		{"negative timeout", "timeout", func(h *config.Hospital) { h.EMR.Timeout = -1 }},
		{"country code not digits", "country_code", func(h *config.Hospital) { h.CountryCode = "IN" }},
		{"unknown endpoint", "upload_documents", func(h *config.Hospital) {
			h.EMR.Endpoints["upload_documents"] = fake.URL() + "/emr/upload_document"
		}},
		{"relative URL", "register", func(h *config.Hospital) { h.EMR.Endpoints["register"] = "/emr/register?key=s3cr3t" }},
		{"ftp URL", "doctors", func(h *config.Hospital) { h.EMR.Endpoints["doctors"] = "ftp://emr.local/doctors?key=s3cr3t" }},
		{"no host", "upcoming", func(h *config.Hospital) { h.EMR.Endpoints["upcoming"] = "http:///upcoming" }},
		{"optional URL bad", "update_address", func(h *config.Hospital) { h.EMR.Endpoints["update_address"] = "emr.local/addr" }},
	}
	for _, op := range required {
		tests = append(tests, struct {
			name, wantErr string
			edit          edit
		}{"missing " + op, op, func(h *config.Hospital) { delete(h.EMR.Endpoints, op) }})
		tests = append(tests, struct {
			name, wantErr string
			edit          edit
		}{"blank " + op, op, func(h *config.Hospital) { h.EMR.Endpoints[op] = "  " }})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := fake.Hospital("abc")
			tc.edit(&h)
			c, err := restapi.New(h, nil)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tc.wantErr)
			assert.Contains(t, err.Error(), `"abc"`, "names the hospital")
			assert.NotContains(t, err.Error(), "s3cr3t")
		})
	}
}

// TestCapabilities checks what flows are offered: never slots, always
// video and photos, documents and address only with their endpoints.
func TestCapabilities(t *testing.T) {
	tests := []struct {
		name   string
		remove []string
		want   emr.Capabilities
	}{
		{"all endpoints", nil,
			emr.Capabilities{VideoVisits: true, ProfilePhoto: true, UploadDocument: true, UpdateAddress: true}},
		{"no upload_document", []string{"upload_document"},
			emr.Capabilities{VideoVisits: true, ProfilePhoto: true, UpdateAddress: true}},
		{"no update_address", []string{"update_address"},
			emr.Capabilities{VideoVisits: true, ProfilePhoto: true, UploadDocument: true}},
		{"required only", []string{"upload_document", "update_address"},
			emr.Capabilities{VideoVisits: true, ProfilePhoto: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newClient(t, func(h *config.Hospital) {
				for _, op := range tc.remove {
					delete(h.EMR.Endpoints, op)
				}
			})
			assert.Equal(t, tc.want, c.Capabilities())
		})
	}
}

// TestNotSupported checks that operations the hospital does not offer
// fail as NotSupported without calling the EMR.
func TestNotSupported(t *testing.T) {
	c, fake := newClient(t, func(h *config.Hospital) {
		delete(h.EMR.Endpoints, "upload_document")
		h.EMR.Endpoints["update_address"] = ""
	})

	_, err := c.Slots(t.Context(), doctorID, tomorrow)
	requireEMRError(t, err, restapi.OpSlots, emr.NotSupported)

	err = c.UploadDocument(t.Context(), known, emr.Document{URL: docURL, Caption: caption})
	requireEMRError(t, err, "upload_document", emr.NotSupported)

	err = c.UpdateAddress(t.Context(), known, address)
	requireEMRError(t, err, "update_address", emr.NotSupported)

	_, err = c.Book(t.Context(), emr.BookingRequest{Patient: known, Visit: "home", DoctorID: doctorID})
	requireEMRError(t, err, "book", emr.NotSupported)

	assert.Empty(t, fake.Calls(), "nothing was sent")
}

// TestNewDoesNotKeepConfigMap checks that changing the hospital's map
// after New does not change the client (config reloads build new ones).
func TestNewDoesNotKeepConfigMap(t *testing.T) {
	fake := restapitest.NewServer(t)
	h := fake.Hospital("abc")
	c, err := restapi.New(h, nil)
	require.NoError(t, err)
	delete(h.EMR.Endpoints, "update_address")
	assert.True(t, c.Capabilities().UpdateAddress)
	require.NoError(t, c.UpdateAddress(t.Context(), known, address))
}
