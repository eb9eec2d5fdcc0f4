// Package access is the Go side of least privilege (migrations 00004 and
// 00005, SECURITY.md): the roles and their logins, second authorisation of
// high-risk operations, and reading and verifying the audit chain.
//
// The database enforces every rule here; these functions only give the
// console and the CLI a typed way to ask, and clear errors when refused.
package access

// Roles a login can hold, least powerful last. Each is the PostgreSQL group
// role "warroom_" + name.
const (
	Commander = "commander" // everything in an incident
	Engineer  = "engineer"  // restore milestones, timeline notes
	Finance   = "finance"   // merchants, sales, rates, claims, payouts
	Viewer    = "viewer"    // read-only
)

// Roles lists them in that order.
var Roles = []string{Commander, Engineer, Finance, Viewer}
