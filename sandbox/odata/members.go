package odata

import (
	"encoding/json"
	"errors"
)

var errNotObject = errors.New("odata: not a JSON object")

// Members splits a JSON object into its members, each value as it is in data
// (a json.RawMessage): what the sandbox's responders project and write back
// without decoding the values. data must be valid JSON, as the sandbox's own
// encoders produce it (json.Unmarshal's validation pass is the cost this
// avoids); anything that is not an object is an error.
func Members(data []byte) (map[string]any, error) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, errNotObject
	}
	out := make(map[string]any, 32)
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return out, nil
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return nil, errNotObject
		}
		end, ok := stringEnd(data, i)
		if !ok {
			return nil, errNotObject
		}
		var name string
		if err := json.Unmarshal(data[i:end], &name); err != nil {
			return nil, err
		}
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return nil, errNotObject
		}
		i = skipSpace(data, i+1)
		vend, ok := valueEnd(data, i)
		if !ok {
			return nil, errNotObject
		}
		out[name] = json.RawMessage(data[i:vend])
		i = skipSpace(data, vend)
		if i >= len(data) {
			return nil, errNotObject
		}
		if data[i] == '}' {
			return out, nil
		}
		if data[i] != ',' {
			return nil, errNotObject
		}
		i = skipSpace(data, i+1)
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index after the string starting at data[i] == '"'.
func stringEnd(data []byte, i int) (int, bool) {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return 0, false
}

// valueEnd returns the index after the JSON value starting at data[i].
func valueEnd(data []byte, i int) (int, bool) {
	if i >= len(data) {
		return 0, false
	}
	switch data[i] {
	case '"':
		return stringEnd(data, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				e, ok := stringEnd(data, j)
				if !ok {
					return 0, false
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	default: // number, true, false, null
		j := i
		for j < len(data) && data[j] != ',' && data[j] != '}' && data[j] != ']' && data[j] != ' ' && data[j] != '\n' && data[j] != '\t' && data[j] != '\r' {
			j++
		}
		return j, j > i
	}
}
