package schema

// The directive is in the file go generate reads last: the generator may
// remove *_gen.go files of an earlier packing, which go generate would
// otherwise still try to read after it ran.

//go:generate go run ./gen
