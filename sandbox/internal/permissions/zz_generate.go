package permissions

//go:generate go run ./gen
