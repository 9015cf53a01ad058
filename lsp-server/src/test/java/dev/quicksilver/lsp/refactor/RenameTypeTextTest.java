package dev.quicksilver.lsp.refactor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** rename-type's reading of JDT keys and of code whose compile the compiler gave up on. */
class RenameTypeTextTest {
    /** JDT keys a type by its file too: a type not named as its file is {@code Lp/File~Type;}. */
    @Test
    void theOldKeyFollowsJdtsNamingOfTypesByTheirFiles() {
        assertEquals(Optional.of("Lp/q/Shop;"), RenameTypeRefactoring.oldKey("Lp/q/Shop~Store;", "Store", "Shop"), "retyped in Shop.java");
        assertEquals(Optional.of("Lp/Main~Shop;"), RenameTypeRefactoring.oldKey("Lp/Main~Store;", "Store", "Shop"), "a secondary type of Main.java");
        assertEquals(Optional.of("Lp/Store~Shop;"), RenameTypeRefactoring.oldKey("Lp/Store;", "Store", "Shop"), "in Store.java, it was not named as its file");
        assertEquals(Optional.of("Lp/Shop$Inner;"), RenameTypeRefactoring.oldKey("Lp/Shop$Part;", "Part", "Inner"), "a nested type");
        assertEquals(Optional.of("Lp/Shop<TT;>;"), RenameTypeRefactoring.oldKey("Lp/Shop~Store<TT;>;", "Store", "Shop"), "a generic type");
        assertEquals(Optional.empty(), RenameTypeRefactoring.oldKey("Lp/Storehouse;", "Store", "Shop"), "not the name");
        assertEquals("p.q", RenameTypeRefactoring.packageOf("Lp/q/Shop~Store$Inner;"));
        assertEquals("", RenameTypeRefactoring.packageOf("LShop;"));
    }

    /**
     * rename-type-and-variables' new names: the type's words replaced where they appear together in the variable's
     * name (the last place), camelCase kept; none where the words are not all there, for a plural of a variable that
     * holds one, or where the new name is a keyword.
     */
    @Test
    void aVariableNamedAfterTheTypeTakesTheNewWords() {
        assertEquals("shop", RenameTypeAndVariablesRefactoring.renamedVariable("store", "Store", "Shop", false));
        assertEquals("shopCopy", RenameTypeAndVariablesRefactoring.renamedVariable("storeCopy", "Store", "Shop", false));
        assertEquals("oldShop", RenameTypeAndVariablesRefactoring.renamedVariable("oldStore", "Store", "Shop", false));
        assertEquals("oldPurchaseStore", RenameTypeAndVariablesRefactoring.renamedVariable("oldOrderStore", "OrderStore", "PurchaseStore", false));
        assertEquals("urlSource", RenameTypeAndVariablesRefactoring.renamedVariable("store", "Store", "URLSource", false));
        assertEquals("shops", RenameTypeAndVariablesRefactoring.renamedVariable("stores", "Store", "Shop", true), "an array's");
        assertEquals(null, RenameTypeAndVariablesRefactoring.renamedVariable("stores", "Store", "Shop", false), "a plural for one store");
        assertEquals(null, RenameTypeAndVariablesRefactoring.renamedVariable("store", "OrderStore", "PurchaseStore", false), "Store did not change");
        assertEquals("purchaseStores", RenameTypeAndVariablesRefactoring.renamedVariable("orderStores", "OrderStore", "PurchaseStore", true));
        assertEquals("printer", RenameTypeAndVariablesRefactoring.renamedVariable("writer", "JsonWriter", "JsonPrinter", false), "the changed word");
        assertEquals("jsonPrinter", RenameTypeAndVariablesRefactoring.renamedVariable("jsonWriter", "JsonWriter", "JsonPrinter", false));
        assertEquals("printers", RenameTypeAndVariablesRefactoring.renamedVariable("writers", "JsonWriter", "JsonPrinter", true));
        assertEquals(null, RenameTypeAndVariablesRefactoring.renamedVariable("json", "JsonWriter", "JsonPrinter", false), "the kept word alone");
        assertEquals("lastTypeAdapter", RenameTypeAndVariablesRefactoring.renamedVariable("lastAdapter", "Adapter", "TypeAdapter", false), "a word added");
        assertEquals("typeAdapter", RenameTypeAndVariablesRefactoring.renamedVariable("adapter", "Adapter", "TypeAdapter", false));
        assertEquals("adapter", RenameTypeAndVariablesRefactoring.renamedVariable("typeAdapter", "TypeAdapter", "Adapter", false), "a word dropped");
        assertEquals(null, RenameTypeAndVariablesRefactoring.renamedVariable("s", "Store", "Shop", false));
        assertEquals(null, RenameTypeAndVariablesRefactoring.renamedVariable("clazz", "Clazz", "Class", false), "a keyword");
        assertEquals(List.of("order", "Store"), RenameTypeAndVariablesRefactoring.words("orderStore"));
        assertEquals(List.of("URL", "Store"), RenameTypeAndVariablesRefactoring.words("URLStore"));
    }

    /**
     * The declarations of a type's variables: with type arguments, arrays, varargs, as a container's last type
     * argument (holding several, as an array); not a cast, a method, a type argument nested in another's, a call's.
     */
    @Test
    void theVariablesOfATypeAreItsDeclarations() {
        String text = """
                class Use {
                    Shop a = (Shop) b; Shop<String> c; Shop[] d = {}; List<Shop> e; java.util.Map<String, Shop> q; List<List<Shop>> r;
                    Object s = List.<Shop>of(), t = new ArrayList<Shop>(), u = (List<Shop>) v;
                    Shop f() { return (Shop) g; }
                    void h(Shop i, final Shop j, Shop... k) { for (Shop l : m) {} if (n instanceof Shop o && o.x) {} }
                    // Shop p;
                }
                """;
        assertEquals(List.of("a false", "c false", "d true", "e true", "q true", "i false", "j false", "k true", "l false", "o false"),
                RenameTypeAndVariablesRefactoring.variablesOf(text, "Shop").stream().map(v -> v.name() + " " + v.several()).toList());
    }

    /**
     * The words that can name the type, in code: bare, after its package or (nested) its outer type; not in
     * comments, strings or other words, nor after another qualifier ({@code r.Shop}, {@code other.Shop}).
     */
    @Test
    void wordsInCodeAreTheOnesThatCanNameTheType() {
        String text = """
                import p.Shop;
                import r.Shop.Inner;
                // Shop in a comment
                class User extends Shop implements Shops {
                    String s = "Shop";
                    p . Shop q = new Shop(), other.Shop;
                    java.util.List<Shop> list; ShopKeeper k;
                }
                """;
        List<String> found = RenameTypeRefactoring.wordsInCode(text, "Shop", "p").stream().map(at -> lineAround(text, at)).toList();
        assertEquals(List.of("import p.Shop;", "class User extends Shop implements Shops {", "p . Shop q = new Shop(), other.Shop;",
                "p . Shop q = new Shop(), other.Shop;", "java.util.List<Shop> list; ShopKeeper k;"), found);
        assertEquals(2, RenameTypeRefactoring.wordsInCode("class A { Outer.Inner a; x.Inner b; Inner c; }", "Inner", "Outer").size());
    }

    /** A file that imports another package's type of the name, or declares one, names another type so. */
    @Test
    void aFileNamesAnotherTypeByImportingOrDeclaringOne() {
        assertEquals(true, RenameTypeRefactoring.namesAnotherType("package q;\nimport r.Shop;\nclass A {}\n", "Shop", "p"));
        assertEquals(false, RenameTypeRefactoring.namesAnotherType("package q;\nimport p.Shop;\nimport static p.Shop.MAX;\nclass A {}\n", "Shop", "p"));
        assertEquals(false, RenameTypeRefactoring.namesAnotherType("package q;\nimport p.Outer.Inner;\n", "Inner", "Outer"));
        assertEquals(true, RenameTypeRefactoring.namesAnotherType("package p;\nclass A {\n    record Shop(int n) {}\n}\n", "Shop", "p"));
        assertEquals(false, RenameTypeRefactoring.namesAnotherType("package p;\nclass ShopKeeper {}\n", "Shop", "p"));
    }

    private static String lineAround(String text, int at) {
        int start = text.lastIndexOf('\n', at) + 1;
        int end = text.indexOf('\n', at);
        return text.substring(start, end).strip();
    }
}
