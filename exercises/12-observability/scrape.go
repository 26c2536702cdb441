// Reading what the pool exposes (pristine, like the driver): a minimal
// parser for Prometheus' text exposition format, and the goroutine
// profile's pprof labels.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"runtime/pprof"
	"strconv"
	"strings"
)

// sample is one line of a scrape: labels and value.
type sample struct {
	labels map[string]string
	value  float64
}

// scrape fetches url and returns its samples by metric name.
func scrape(client *http.Client, url string) (map[string][]sample, error) {
	resp, err := client.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, err
	}
	return parseExposition(body)
}

// parseExposition reads the text format: `name{k="v",...} value [ts]`
// lines; comments and blank lines are skipped.
func parseExposition(body []byte) (map[string][]sample, error) {
	out := map[string][]sample{}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		name, rest := line, ""
		labels := map[string]string{}
		if i := strings.IndexByte(line, '{'); i >= 0 {
			name = line[:i]
			var err error
			if labels, rest, err = parseLabels(line[i+1:]); err != nil {
				return nil, fmt.Errorf("%q: %v", line, err)
			}
		} else if i := strings.IndexAny(line, " \t"); i >= 0 {
			name, rest = line[:i], line[i:]
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return nil, fmt.Errorf("%q: no value", line)
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return nil, fmt.Errorf("%q: %v", line, err)
		}
		out[name] = append(out[name], sample{labels, v})
	}
	return out, sc.Err()
}

// parseLabels reads `k="v",k2="v2"}` and returns the labels and what
// follows the closing brace.
func parseLabels(s string) (map[string]string, string, error) {
	labels := map[string]string{}
	for {
		s = strings.TrimLeft(s, " ,")
		if strings.HasPrefix(s, "}") {
			return labels, s[1:], nil
		}
		eq := strings.IndexByte(s, '=')
		if eq < 0 || eq+1 >= len(s) || s[eq+1] != '"' {
			return nil, "", fmt.Errorf("bad label in %q", s)
		}
		key := strings.TrimSpace(s[:eq])
		var val strings.Builder
		i := eq + 2
		for ; i < len(s) && s[i] != '"'; i++ {
			if s[i] == '\\' && i+1 < len(s) {
				i++
				switch s[i] {
				case 'n':
					val.WriteByte('\n')
				default:
					val.WriteByte(s[i])
				}
				continue
			}
			val.WriteByte(s[i])
		}
		if i >= len(s) {
			return nil, "", fmt.Errorf("unterminated label value in %q", s)
		}
		labels[key] = val.String()
		s = s[i+1:]
	}
}

var workerLabel = regexp.MustCompile(`"worker":"([^"]*)"`)

// labelledWorkers counts the distinct values of the pprof label "worker"
// among the live goroutines.
func labelledWorkers() int {
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 1); err != nil {
		return 0
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(buf.String(), "\n") {
		if !strings.HasPrefix(line, "# labels:") {
			continue
		}
		if m := workerLabel.FindStringSubmatch(line); m != nil {
			seen[m[1]] = true
		}
	}
	return len(seen)
}
