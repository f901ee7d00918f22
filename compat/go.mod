module github.com/authsome-go/authsome/compat

go 1.26.8

require github.com/authsome-go/authsome v0.0.0

require (
	github.com/AzureAD/microsoft-authentication-library-for-go v1.10.1
	github.com/golang-jwt/jwt/v5 v5.2.2 // indirect
	github.com/google/uuid v1.3.0 // indirect
	github.com/kylelemons/godebug v1.1.0 // indirect
	github.com/pkg/browser v0.0.0-20210911075715-681adbf594b8 // indirect
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
)

replace github.com/authsome-go/authsome => ../
