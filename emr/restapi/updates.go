package restapi

import (
	"context"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// SetProfilePhoto hands the EMR the URL of the patient's new photo; the
// EMR fetches it itself, and its answer carries nothing but the status.
func (c *Client) SetProfilePhoto(ctx context.Context, p emr.PatientRef, imageURL string) error {
	return c.post(ctx, config.EndpointProfilePic, map[string]string{"pid": p.ID, "image_url": imageURL}, nil)
}

// UploadDocument hands the EMR the URL of a document the patient sent.
// It is NotSupported unless the hospital configured upload_document.
func (c *Client) UploadDocument(ctx context.Context, p emr.PatientRef, d emr.Document) error {
	fields := map[string]string{
		"pid":          p.ID,
		"url":          d.URL,
		"content_type": d.ContentType,
		"caption":      d.Caption,
	}
	return c.post(ctx, config.EndpointUploadDocument, fields, nil)
}

// UpdateAddress replaces the patient's address. It is NotSupported unless
// the hospital configured update_address.
func (c *Client) UpdateAddress(ctx context.Context, p emr.PatientRef, address string) error {
	return c.post(ctx, config.EndpointUpdateAddress, map[string]string{"pid": p.ID, "address": address}, nil)
}
