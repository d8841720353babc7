// Package sim is a local simulator of the parts of Cloudflare's API v4 that
// launchready uses. Full documentation follows once the API settles.
package sim
