package models

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"gorm.io/driver/mysql"
)

// The MySQL DSN bounds the handshake and every read and write, unless the URL says otherwise.
func TestMySQLDSNTimeouts(t *testing.T) {
	dsnOf := func(rawURL string, opts Options) url.Values {
		t.Helper()
		d, err := dialectorFor(rawURL, opts.withDefaults())
		if err != nil {
			t.Fatal(err)
		}
		dsn := d.dialector.(*mysql.Dialector).DSN
		_, query, _ := strings.Cut(dsn, "?")
		v, err := url.ParseQuery(query)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	v := dsnOf("mysql://u:p@db:3306/sp", Options{})
	if v.Get("timeout") != "5s" || v.Get("readTimeout") != "30s" || v.Get("writeTimeout") != "30s" {
		t.Fatalf("defaults: %v", v)
	}
	v = dsnOf("mysql://u:p@db:3306/sp", Options{IOTimeout: time.Hour})
	if v.Get("readTimeout") != "1h0m0s" || v.Get("writeTimeout") != "1h0m0s" {
		t.Fatalf("migrate's: %v", v)
	}
	v = dsnOf("mysql://u:p@db:3306/sp?readTimeout=2s&timeout=1s", Options{})
	if v.Get("timeout") != "1s" || v.Get("readTimeout") != "2s" || v.Get("writeTimeout") != "30s" {
		t.Fatalf("the URL's own: %v", v)
	}
}
