package workbook

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync"

	"github.com/xuri/excelize/v2"
)

// Workbook functions (workbook/functions/{name}) and the application's
// calculation (workbook/application).

// functionParams are the parameters, in order, of the workbook functions
// the sandbox serves, by Graph's name in lower case (Graph's v1.0 schema,
// the actions bound to workbookFunctions). Excel's name is Graph's in upper
// case with "_" as "." (stDev_S is STDEV.S); a "values" parameter takes any
// number of arguments.
var functionParams = sync.OnceValue(func() map[string][]string {
	return map[string][]string{
		"abs": {"number"}, "and": {"values"}, "average": {"values"},
		"averageif": {"range", "criteria", "averageRange"}, "ceiling_math": {"number", "significance", "mode"},
		"char": {"number"}, "choose": {"indexNum", "values"}, "clean": {"text"}, "code": {"text"},
		"combin": {"number", "numberChosen"}, "concatenate": {"values"}, "cos": {"number"}, "count": {"values"},
		"counta": {"values"}, "countblank": {"range"}, "countif": {"range", "criteria"},
		"date": {"year", "month", "day"}, "datevalue": {"dateText"}, "day": {"serialNumber"},
		"days": {"endDate", "startDate"}, "degrees": {"angle"}, "dollar": {"number", "decimals"},
		"edate": {"startDate", "months"}, "effect": {"nominalRate", "npery"}, "eomonth": {"startDate", "months"},
		"even": {"number"}, "exact": {"text1", "text2"}, "exp": {"number"}, "fact": {"number"}, "false": {},
		"find": {"findText", "withinText", "startNum"}, "fixed": {"number", "decimals", "noCommas"},
		"floor_math": {"number", "significance", "mode"}, "fv": {"rate", "nper", "pmt", "pv", "type"},
		"gcd": {"values"}, "hlookup": {"lookupValue", "tableArray", "rowIndexNum", "rangeLookup"},
		"hour": {"serialNumber"}, "if": {"logicalTest", "valueIfTrue", "valueIfFalse"}, "int": {"number"},
		"ipmt": {"rate", "per", "nper", "pv", "fv", "type"}, "irr": {"values", "guess"}, "isnumber": {"value"},
		"istext": {"value"}, "large": {"array", "k"}, "lcm": {"values"}, "left": {"text", "numChars"},
		"len": {"text"}, "ln": {"number"}, "log": {"number", "base"}, "log10": {"number"}, "lower": {"text"},
		"match": {"lookupValue", "lookupArray", "matchType"}, "max": {"values"}, "median": {"values"},
		"mid": {"text", "startNum", "numChars"}, "min": {"values"}, "minute": {"serialNumber"},
		"mod": {"number", "divisor"}, "month": {"serialNumber"}, "networkdays": {"startDate", "endDate", "holidays"},
		"nominal": {"effectRate", "npery"}, "not": {"logical"}, "now": {},
		"nper": {"rate", "pmt", "pv", "fv", "type"}, "npv": {"rate", "values"}, "odd": {"number"}, "or": {"values"},
		"percentile_inc": {"array", "k"}, "pi": {}, "pmt": {"rate", "nper", "pv", "fv", "type"},
		"power": {"number", "power"}, "ppmt": {"rate", "per", "nper", "pv", "fv", "type"}, "product": {"values"},
		"proper": {"text"}, "pv": {"rate", "nper", "pmt", "fv", "type"}, "quartile_inc": {"array", "quart"},
		"radians": {"angle"}, "rand": {}, "rank_eq": {"number", "ref", "order"},
		"rate": {"nper", "pmt", "pv", "fv", "type", "guess"}, "rept": {"text", "numberTimes"},
		"right": {"text", "numChars"}, "round": {"number", "numDigits"}, "rounddown": {"number", "numDigits"},
		"roundup": {"number", "numDigits"}, "second": {"serialNumber"}, "sign": {"number"}, "sin": {"number"},
		"small": {"array", "k"}, "sqrt": {"number"}, "stdev_p": {"values"}, "stdev_s": {"values"},
		"substitute": {"text", "oldText", "newText", "instanceNum"}, "sum": {"values"},
		"sumif": {"range", "criteria", "sumRange"}, "tan": {"number"}, "text": {"value", "formatText"},
		"time": {"hour", "minute", "second"}, "timevalue": {"timeText"}, "today": {}, "trim": {"text"}, "true": {},
		"trunc": {"number", "numDigits"}, "upper": {"text"}, "value": {"text"}, "var_p": {"values"},
		"var_s": {"values"}, "vlookup": {"lookupValue", "tableArray", "colIndexNum", "rangeLookup"},
		"weekday": {"serialNumber", "returnType"}, "workday": {"startDate", "days", "holidays"},
		"year": {"serialNumber"}, "yearfrac": {"startDate", "endDate", "basis"},
	}
})

// FunctionResult is Graph's workbookFunctionResult: Error is an Excel error
// value ("#NUM!") or null, Value the result.
type FunctionResult struct {
	Error *string `json:"error"`
	Value any     `json:"value"`
}

// scratchSheet is where a function call is evaluated, in a copy of the workbook.
const scratchSheet = "__authsome_function"

// CallFunction evaluates a workbook function with Graph's JSON arguments
// by name: numbers, strings, booleans, null, 2-D arrays of those, or
// {"address": "Sheet1!A1:B2"} for a range (or a workbook name of one). It runs in a copy of the
// workbook, which it leaves unchanged.
func (b *Book) CallFunction(name string, args map[string]json.RawMessage) (FunctionResult, error) {
	params, ok := functionParams()[strings.ToLower(name)]
	if !ok {
		return FunctionResult{}, &Error{404, "ItemNotFound", "The function " + name + " is not one the sandbox evaluates."}
	}
	scratch, err := b.Clone()
	if err != nil {
		return FunctionResult{}, err
	}
	scratch.mu.Lock()
	defer scratch.mu.Unlock()
	var list []string
	for _, p := range params {
		raw, ok := args[p]
		if !ok || string(raw) == "null" {
			list = append(list, "")
			continue
		}
		got, err := scratch.formulaArgs(raw, p == "values")
		if err != nil {
			return FunctionResult{}, err
		}
		list = append(list, got...)
	}
	for len(list) > 0 && list[len(list)-1] == "" {
		list = list[:len(list)-1]
	}
	formula := strings.ToUpper(strings.ReplaceAll(name, "_", ".")) + "(" + strings.Join(list, ",") + ")"
	if _, err := scratch.f.NewSheet(scratchSheet); err != nil {
		return FunctionResult{}, invalidArgument("%v", err)
	}
	if err := scratch.f.SetCellFormula(scratchSheet, "A1", formula); err != nil {
		return FunctionResult{}, invalidArgument("%v", err)
	}
	raw, err := scratch.f.CalcCellValue(scratchSheet, "A1", excelize.Options{RawCellValue: true})
	if err != nil && !isErrorValue(raw) {
		raw = "#VALUE!"
		if strings.Contains(err.Error(), "not support") {
			raw = "#NAME?"
		}
	}
	v, typ := calculated(raw)
	if typ == "Error" {
		return FunctionResult{Error: &raw}, nil
	}
	return FunctionResult{Value: v}, nil
}

// formulaArgs turns one JSON argument into formula text; many splits an
// array into arguments (a "values" parameter).
func (b *Book) formulaArgs(raw json.RawMessage, many bool) ([]string, error) {
	var v any
	d := json.NewDecoder(strings.NewReader(string(raw)))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return nil, invalidArgument("A function argument is not valid JSON: %v", err)
	}
	if list, ok := v.([]any); ok && many {
		var out []string
		for _, e := range list {
			s, err := b.formulaArg(e, true)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := b.formulaArg(v, true)
	return []string{s}, err
}

// formulaArg is one argument as formula text: a constant, an array
// constant ({1,2;3,4}) or a checked range address.
func (b *Book) formulaArg(v any, nest bool) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case bool:
		return strings.ToUpper(strconv.FormatBool(v)), nil
	case json.Number:
		if _, err := v.Float64(); err != nil {
			return "", invalidArgument("The number %s is not one Excel can hold.", v)
		}
		return v.String(), nil
	case string:
		return `"` + strings.ReplaceAll(v, `"`, `""`) + `"`, nil
	case map[string]any:
		addr, _ := v["address"].(string)
		if d, err := b.name("Workbook", addr); err == nil && namedItem(d).Type == "Range" {
			return d.Name, nil // a workbook name that refers to cells
		}
		a, err := b.sheetArea("", addr)
		if err != nil {
			return "", err
		}
		return a.address(), nil
	case []any:
		if !nest {
			break
		}
		var rows []string
		for _, row := range v {
			cells, ok := row.([]any)
			if !ok {
				cells = []any{row}
			}
			var out []string
			for _, c := range cells {
				if _, ok := c.([]any); ok {
					return "", invalidArgument("An array argument has at most two dimensions.")
				}
				s, err := b.formulaArg(c, false)
				if err != nil {
					return "", err
				}
				out = append(out, s)
			}
			rows = append(rows, strings.Join(out, ","))
		}
		return "{" + strings.Join(rows, ";") + "}", nil
	}
	return "", invalidArgument("A function argument must be a number, a string, a boolean, an array or a range's {\"address\"}.")
}

// Application is Graph's workbookApplication.
type Application struct {
	// CalculationMode is Automatic, AutomaticExceptTables or Manual.
	CalculationMode string `json:"calculationMode"`
}

// Application reads the workbook's calculation mode.
func (b *Book) Application() Application {
	b.mu.Lock()
	defer b.mu.Unlock()
	props, _ := b.f.GetCalcProps()
	mode := "Automatic"
	if props.CalcMode != nil {
		switch *props.CalcMode {
		case "manual":
			mode = "Manual"
		case "autoNoTable":
			mode = "AutomaticExceptTables"
		}
	}
	return Application{CalculationMode: mode}
}

// Calculate recalculates the workbook (application/calculate):
// calculationType is Recalculate, Full or FullRebuild. Formulas are
// computed whenever they are read, so this only checks its argument.
func Calculate(calculationType string) error {
	switch strings.ToLower(calculationType) {
	case "recalculate", "full", "fullrebuild":
		return nil
	}
	return invalidArgument("calculationType %q is not one of Recalculate, Full, FullRebuild.", calculationType)
}
