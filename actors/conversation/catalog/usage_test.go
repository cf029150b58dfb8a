package catalog

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// keyCalls are the flow engine's functions whose first argument is a
// catalog key.
var keyCalls = map[string]bool{"say": true, "retry": true, "text": true, "promptList": true}

// keyLists are package variables of the flow engine that list catalog keys.
var keyLists = map[string]bool{"menuEntries": true, "dayKeys": true, "surveyQuestions": true}

// usedKeys parses the non-test Go files of dir and returns the catalog
// keys it names for certain (keyed calls, key lists, Text calls) and every
// string literal (to tell whether a catalog key is used at all).
func usedKeys(t *testing.T, dir string) (keys, literals map[string]bool) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	require.NoError(t, err)
	keys, literals = map[string]bool{}, map[string]bool{}
	fset := token.NewFileSet()
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		require.NoError(t, err, "parse %s", p)
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if s, ok := stringLit(n); ok {
					literals[s] = true
				}
			case *ast.CallExpr:
				if name := funcName(n.Fun); keyCalls[name] && len(n.Args) > 0 {
					if s, ok := stringLit(n.Args[0]); ok {
						keys[s] = true
					}
				} else if name == "Text" && len(n.Args) >= 3 {
					if s, ok := stringLit(n.Args[2]); ok {
						keys[s] = true
					}
				}
			case *ast.ValueSpec:
				for i, id := range n.Names {
					if keyLists[id.Name] && i < len(n.Values) {
						collectKeyLits(n.Values[i], keys)
					}
				}
			}
			return true
		})
	}
	return keys, literals
}

// collectKeyLits adds the string literals of a key list: the elements of
// a []string, or the first field of each struct element.
func collectKeyLits(e ast.Expr, into map[string]bool) {
	cl, ok := e.(*ast.CompositeLit)
	if !ok {
		return
	}
	for _, el := range cl.Elts {
		if inner, ok := el.(*ast.CompositeLit); ok && len(inner.Elts) > 0 {
			el = inner.Elts[0]
		}
		if s, ok := stringLit(el); ok {
			into[s] = true
		}
	}
}

func funcName(e ast.Expr) string {
	switch f := e.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

func TestFlowKeysExistInEnglish(t *testing.T) {
	keys, _ := usedKeys(t, "../flow")
	// Guard the scan itself: if the engine renamed its helpers, the scan
	// would find nothing and prove nothing.
	for _, k := range []string{"ask_name", "invalid_choice", "choose_department", "menu_in_person", "day_after", "language_name"} {
		require.True(t, keys[k], "scan of ../flow did not find %q; update keyCalls/keyLists", k)
	}
	c := MustLoad()
	for k := range keys {
		_, ok := c.Raw(Fallback, k)
		assert.True(t, ok, "the flow uses %q, which en.yaml lacks", k)
	}
	_, actorLits := usedKeys(t, "..")
	assert.True(t, actorLits["internal_error"], "the actor no longer names internal_error; update this test")
}

func TestEveryCatalogKeyIsUsed(t *testing.T) {
	_, flowLits := usedKeys(t, "../flow")
	_, actorLits := usedKeys(t, "..")
	_, reminderLits := usedKeys(t, "../../reminder") // reminder texts
	var unused []string
	for _, k := range MustLoad().Keys(Fallback) {
		if !flowLits[k] && !actorLits[k] && !reminderLits[k] {
			unused = append(unused, k)
		}
	}
	slices.Sort(unused)
	assert.Empty(t, unused, "catalog keys no code uses (dead wording)")
}
