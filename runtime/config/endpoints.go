package config

// Operation names of the seed-compatible REST EMR (CONTRACT §4): the keys
// of emr.endpoints. The restapi adapter looks its URLs up by these names,
// so both sides share one spelling.
const (
	EndpointMatchMobile    = "match_mobile"
	EndpointRegister       = "register"
	EndpointUpcoming       = "upcoming"
	EndpointDepartments    = "departments"
	EndpointDoctors        = "doctors"
	EndpointBookInPerson   = "book_in_person"
	EndpointBookVideo      = "book_video"
	EndpointHealthRecords  = "health_records"
	EndpointProfilePic     = "profile_pic"
	EndpointUploadDocument = "upload_document"
	EndpointUpdateAddress  = "update_address"
)

// RequiredEndpoints lists the operations every restapi EMR must serve;
// a hospital missing one is refused at start-up rather than failing a
// patient halfway through a flow.
func RequiredEndpoints() []string {
	return []string{
		EndpointMatchMobile, EndpointRegister, EndpointUpcoming,
		EndpointDepartments, EndpointDoctors, EndpointBookInPerson,
		EndpointBookVideo, EndpointHealthRecords, EndpointProfilePic,
	}
}

// OptionalEndpoints lists the operations a restapi EMR may serve; when
// one is absent the flows that need it are not offered.
func OptionalEndpoints() []string {
	return []string{EndpointUploadDocument, EndpointUpdateAddress}
}
