package admin

import (
	"net/url"
	"strings"
)

// consoleURL is the link that opens the account console (console/, at / of the user API) signed in
// with an autologin token: the console exchanges the token through mode=auth and takes it out of
// the address at once.
func consoleURL(publicURL, token string) string {
	return strings.TrimRight(publicURL, "/") + "/?autologin_token=" + url.QueryEscape(token)
}
