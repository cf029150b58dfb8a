package flow

// Exports for the tests of package flow_test, which may import packages
// that import flow (actors/reminder).

// ReminderKindNames is the kinds a patient can stop one by one.
func ReminderKindNames() map[string]string { return reminderKinds }

// KindWords is the spellings patients type for each kind.
func KindWords() map[string]string { return kindWords }
