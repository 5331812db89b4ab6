package fetch

// Redirects: bounded in number and confined to the allowed host:port pairs.

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// HostPort is the host a URL names, lower case, with the scheme's default port left out: the form the
// registry's allowed_hosts use (127.0.0.1:18901, www.example.gov.cn).
func HostPort(u *url.URL) string {
	host := strings.ToLower(u.Host)
	h, port, err := net.SplitHostPort(host)
	if err != nil {
		return host
	}
	if port == "" || u.Scheme == "http" && port == "80" || u.Scheme == "https" && port == "443" {
		if strings.Contains(h, ":") {
			return "[" + h + "]"
		}
		return h
	}
	return host
}

// RedirectPolicy refuses to follow more than limit redirects in one request, and, when allowed is not
// nil, any redirect to a host:port it does not allow (a different port of an allowed host is a different
// site).
func RedirectPolicy(limit int, allowed func(hostPort string) bool) func(req *http.Request, via []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) > limit {
			return fmt.Errorf("重定向超过 %d 次,停止跟随(最后指向 %s)", limit, req.URL)
		}
		if allowed != nil && !allowed(HostPort(req.URL)) {
			return fmt.Errorf("%w:重定向到 %s(主机 %s 不在允许列表中),未跟随", ErrForbiddenRedirect, req.URL, HostPort(req.URL))
		}
		return nil
	}
}

// ErrForbiddenRedirect is returned (wrapped) for a redirect to a host:port that is not allowed.
var ErrForbiddenRedirect = fmt.Errorf("重定向目标不允许")
