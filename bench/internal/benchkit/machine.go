package benchkit

import (
	"os"
	"os/exec"
	"strings"
)

// CPUModel is the processor's name from /proc/cpuinfo.
func CPUModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return "unknown CPU"
}

// LoadAvg is the 1, 5 and 15-minute load averages: how busy the shared machine was.
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// ServiceVersions names the MariaDB and Redis installed here, for the record.
func ServiceVersions() string {
	var out []string
	if b, err := exec.Command("mariadb", "--version").Output(); err == nil {
		out = append(out, strings.TrimSpace(string(b)))
	}
	if b, err := exec.Command("redis-server", "--version").Output(); err == nil {
		out = append(out, strings.TrimSpace(string(b)))
	}
	return strings.Join(out, "; ")
}
