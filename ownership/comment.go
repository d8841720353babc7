package ownership

import (
	"fmt"
	"strings"
)

// FreeCommentLimit is the longest record comment Cloudflare's Free plan accepts
// (paid plans: 500). Cloudflare docs, DNS record attributes: "Comments ... up to 100
// characters on Free". launchready keeps every comment within it.
const FreeCommentLimit = 100

const (
	markerOpen  = "[launchready:"
	markerClose = "]"
)

// Marker is the text that marks a Cloudflare record as owned by owner:
// "[launchready:<owner>]". The dashboard shows it beside the record.
func Marker(owner string) string { return markerOpen + owner + markerClose }

// WithMarker returns the comment a record owned by owner carries: the user's comment,
// a space and the marker (the marker alone when there is no user comment).
func WithMarker(user, owner string) string {
	user = strings.TrimSpace(user)
	if user == "" {
		return Marker(owner)
	}
	return user + " " + Marker(owner)
}

// SplitComment separates a live comment into the user's part and the owner its
// marker names. A comment without a well-formed marker at its end has no owner, and
// all of it is the user's.
func SplitComment(c string) (user, owner string) {
	c = strings.TrimSpace(c)
	if !strings.HasSuffix(c, markerClose) {
		return c, ""
	}
	i := strings.LastIndex(c, markerOpen)
	if i < 0 {
		return c, ""
	}
	o := c[i+len(markerOpen) : len(c)-len(markerClose)]
	if CheckOwner(o) != nil {
		return c, ""
	}
	return strings.TrimSpace(c[:i]), o
}

// CheckComment reports a user comment that cannot be stored beside owner's marker
// within FreeCommentLimit characters.
func CheckComment(user, owner string) error {
	full := WithMarker(user, owner)
	if n := len([]rune(full)); n > FreeCommentLimit {
		room := FreeCommentLimit - len([]rune(Marker(owner))) - 1
		return fmt.Errorf("the comment is %d characters; with launchready's ownership marker %q it would be %d, over Cloudflare Free's limit of %d: keep it to %d characters", len([]rune(strings.TrimSpace(user))), Marker(owner), n, FreeCommentLimit, room)
	}
	return nil
}
