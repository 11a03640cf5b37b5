package cards

import (
	"encoding/json"
)

// propValue turns a props struct into plain JSON values (maps, slices,
// strings, float64), which is what survives the plugin RPC and the database
// and what GetPost gives back.
func propValue(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		// Only plain data structs reach here; a failure is a programming error.
		panic("cards: props not encodable: " + err.Error())
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		panic("cards: props not decodable: " + err.Error())
	}
	return out
}

// ReadProp decodes post props[key] into v. It reports false when the prop is
// missing or has the wrong shape.
func ReadProp(props map[string]any, key PropKey, v any) bool {
	raw, ok := props[string(key)]
	if !ok || raw == nil {
		return false
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return false
	}
	return json.Unmarshal(b, v) == nil
}
