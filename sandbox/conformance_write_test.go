package sandbox

var graphWrites = []conformanceRow{}
