package odata

import "strings"

// Names reports whether e refers to property name (in any letter case) as
// the first segment of a path, a lambda's collection included: a workload
// adds a property it leaves out of its rendering (a message's extended
// properties) to the objects it filters only when the filter needs it.
func Names(e Expr, name string) bool {
	switch x := e.(type) {
	case *path:
		return !x.isVar && len(x.segs) > 0 && strings.EqualFold(x.segs[0], name)
	case *lambda:
		return Names(x.coll, name) || x.body != nil && Names(x.body, name)
	case *binary:
		return Names(x.l, name) || Names(x.r, name)
	case *not:
		return Names(x.x, name)
	case *in:
		return Names(x.x, name)
	case *call:
		for _, a := range x.args {
			if Names(a, name) {
				return true
			}
		}
	}
	return false
}

// Roots returns, lower-cased, the first segments of the paths q's $filter
// (lambda bodies included, lambda variables left out) and $orderby read: the
// members of an object Apply looks at. A workload may decode only those.
func (q *Query) Roots() map[string]bool {
	out := map[string]bool{}
	if q.Filter != nil {
		walkPaths(q.Filter, true, func(p *path) {
			if !p.isVar && len(p.segs) > 0 {
				out[strings.ToLower(p.segs[0])] = true
			}
		})
	}
	for _, k := range q.OrderBy {
		if len(k.Path) > 0 {
			out[strings.ToLower(k.Path[0])] = true
		}
	}
	return out
}
