package graphperm

//go:generate go run ./gen
