package wire

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// Money is shown with two decimals and its sign, as a JSON number; every amount, the extremes too.
func TestMoneyText(t *testing.T) {
	for m, want := range map[Money]string{0: "0.00", 5: "0.05", -5: "-0.05", 1230: "12.30", -100: "-1.00", 99_999_999_999: "999999999.99",
		math.MaxInt64: "92233720368547758.07", math.MinInt64: "-92233720368547758.08"} {
		if got := m.String(); got != want {
			t.Errorf("Money(%d).String() = %q, want %q", int64(m), got, want)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		v := rng.Int64N(2_000_000_000_000) - 1_000_000_000_000
		abs, sign := v, ""
		if v < 0 {
			abs, sign = -v, "-"
		}
		want := fmt.Sprintf("%s%d.%02d", sign, abs/100, abs%100)
		got, err := json.Marshal(Money(v))
		if err != nil || string(got) != want || Money(v).String() != want {
			t.Fatalf("Money(%d): JSON %s (%v), String %q; want %s", v, got, err, Money(v).String(), want)
		}
	}
}

// A date-time is shown in UTC to the second, quoted; its zone and fractions are not.
func TestDateTimeJSON(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 890_000_000, time.FixedZone("X", 3600))
	got, err := json.Marshal(struct {
		At  DateTime  `json:"at"`
		Nil *DateTime `json:"nil"`
	}{At: DateTime(at)})
	if want := `{"at":"2026-03-04 04:06:07","nil":null}`; err != nil || string(got) != want {
		t.Fatalf("JSON %s (%v), want %s", got, err, want)
	}
}
