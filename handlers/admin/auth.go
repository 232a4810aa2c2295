package admin

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/labstack/echo/v4"

	"sharepanel/handlers/httpkit"
	"sharepanel/models"
	"sharepanel/wire"
)

// Token claims: the administrator's ID and username, and its token version, so that deleting the
// administrator or changing its password revokes its tokens.
type claims struct {
	AdminID int64 `json:"aid"`
	Version int   `json:"ver"`
	jwt.RegisteredClaims
}

const (
	tokenIssuer   = "sharepanel"
	tokenAudience = "sharepanel-admin"
	adminKey      = "admin" // echo context key of the authenticated *models.Admin
)

// signingKey returns the HS256 key: SHAREPANEL_JWT_SECRET, or the one kept in the database.
func (s *server) signingKey(ctx context.Context) ([]byte, error) {
	if s.JWTSecret != "" {
		return []byte(s.JWTSecret), nil
	}
	s.secretMu.Lock()
	defer s.secretMu.Unlock()
	if s.secret == nil {
		key, err := s.Store.JWTSecret(ctx)
		if err != nil {
			return nil, err
		}
		s.secret = key
	}
	return s.secret, nil
}

// token is POST /api/: {"username", "password"} → {"access_token"}. Failed logins are limited per
// client IP and per username.
func (s *server) token(c echo.Context) error {
	ctx := c.Request().Context()
	var b credentials
	if _, err := decodeBody(c, &b); err != nil {
		return err
	}
	// The limits count the name as the database compares it: every spelling that reaches an
	// administrator shares that administrator's budget.
	username, err := models.IdentityKey("username", b.Username)
	if err != nil {
		return err
	}
	password := b.Password
	if err := s.checkLogin(c, username); err != nil {
		return err
	}
	a, err := s.Store.AuthenticateAdmin(ctx, username, password)
	if err != nil {
		if wire.ErrorCode(err) == wire.EUNAUTHORIZED {
			if ferr := s.Login.RecordFailedLogin(ctx, loginName(username)); ferr != nil {
				s.Log.Warn("recording a failed admin login failed", "err", ferr)
			}
			setAudit(c, "login_failed", "admin:"+username, nil)
		}
		return err
	}
	c.Set(adminKey, a)
	setAudit(c, "login", "admin:"+a.Username, nil)
	signed, err := s.issue(ctx, a)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, tokenAnswer{AccessToken: signed, TokenType: "Bearer", ExpiresIn: int64(s.TokenTTL / time.Second)})
}

// checkLogin charges a token request to the client IP (one budget with mode=auth: one address, one
// budget) and to the username, and refuses it with 429 and Retry-After past either limit, even
// with the right password.
func (s *server) checkLogin(c echo.Context, username string) error {
	ctx := c.Request().Context()
	d, err := s.Login.CheckIP(ctx, c.RealIP())
	if err == nil && d.Allowed {
		d, err = s.Login.CheckLogin(ctx, loginName(username))
	}
	if s.Metrics != nil {
		s.Metrics.ObserveLimit("logins", cmp.Or(d.Backend, "unknown"), httpkit.LimitOutcome(d.Allowed, err))
	}
	if err != nil {
		return err // ratelimit.ErrUnavailable is already the 503 it should be
	}
	if d.Allowed {
		return nil
	}
	secs := int64((max(d.RetryAfter, time.Second) + time.Second - 1) / time.Second)
	c.Response().Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	return wire.Errorf(wire.ERATELIMITED, "Too many login attempts. Try again in %d seconds.", secs)
}

// loginName is an administrator's name as the login limits count it: apart from the user API's
// emails, so that the two never share a count.
func loginName(username string) string { return "admin:" + username }

// issue signs a token for a.
func (s *server) issue(ctx context.Context, a *models.Admin) (string, error) {
	key, err := s.signingKey(ctx)
	if err != nil {
		return "", err
	}
	var jti [12]byte
	if _, err := rand.Read(jti[:]); err != nil {
		return "", err
	}
	now := time.Now()
	cl := claims{AdminID: a.ID, Version: a.TokenVersion, RegisteredClaims: jwt.RegisteredClaims{
		Issuer: tokenIssuer, Subject: a.Username, Audience: jwt.ClaimStrings{tokenAudience},
		IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(s.TokenTTL)), ID: hex.EncodeToString(jti[:]),
	}}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, cl).SignedString(key)
}

// requireToken checks the Authorization: Bearer token and that its administrator still exists with
// the same password; a bad, expired or revoked token is 401.
func (s *server) requireToken(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := httpkit.BearerToken(c.Request())
		if token == "" {
			return wire.Errorf(wire.EUNAUTHORIZED, "Missing token: send the header Authorization: Bearer ACCESS_TOKEN")
		}
		a, err := s.verify(c.Request().Context(), token)
		if err != nil {
			return err
		}
		c.Set(adminKey, a)
		// The activity entries that an administrator's changes make carry no IP address: the
		// account's owner reads them, and the administrator's address is none of their business
		// (the admin audit log has it).
		return next(c)
	}
}

func errBadToken() error { return wire.Errorf(wire.EUNAUTHORIZED, "Invalid or expired token") }

// verify parses a token and returns its administrator.
func (s *server) verify(ctx context.Context, tokenString string) (*models.Admin, error) {
	key, err := s.signingKey(ctx)
	if err != nil {
		return nil, err
	}
	var cl claims
	_, err = jwt.ParseWithClaims(tokenString, &cl, func(*jwt.Token) (any, error) { return key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithExpirationRequired(),
		jwt.WithIssuer(tokenIssuer), jwt.WithAudience(tokenAudience), jwt.WithLeeway(5*time.Second))
	if err != nil {
		return nil, errBadToken()
	}
	a, err := s.Store.AdminByID(ctx, cl.AdminID)
	if err != nil {
		if wire.ErrorCode(err) == wire.ENOTFOUND {
			return nil, errBadToken()
		}
		return nil, err
	}
	if a.Username != cl.Subject || a.TokenVersion != cl.Version {
		return nil, errBadToken()
	}
	return a, nil
}

// whoami is GET /api/whoami: {"logged_in_as": "<username>"}.
func (s *server) whoami(c echo.Context) error {
	return c.JSON(http.StatusOK, whoamiAnswer{LoggedInAs: adminName(c)})
}

// adminName is the authenticated administrator's username, or "".
func adminName(c echo.Context) string {
	if a, ok := c.Get(adminKey).(*models.Admin); ok {
		return a.Username
	}
	return ""
}

// userTarget names an account in the audit log.
func userTarget(username string) string { return fmt.Sprintf("user:%s", strings.ToLower(username)) }
