package dev.quicksilver.client.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.quicksilver.client.DenoiseRequestSpec;
import org.junit.jupiter.api.Test;

class AffinityKeyTest {

    static String key(DenoiseRequestSpec spec) {
        return AffinityKey.of(spec.request());
    }

    @Test
    void requestsThatStartAlikeShareAKey() {
        String context = "class Order {\n" + "  String id;\n".repeat(100) + "}\n";
        DenoiseRequestSpec a = DenoiseRequestSpec.infill("int x = ", 8, ";").withContext("Order.java", context);
        DenoiseRequestSpec b = DenoiseRequestSpec.infill("int x = 4; int y = ", 16, "}").withContext("Order.java", context);
        assertEquals(key(a), key(b), "past the leading characters, the prefix and suffix do not matter");
        assertEquals(16, key(a).length());
    }

    @Test
    void aDifferentContextOrPathGivesAnotherKey() {
        DenoiseRequestSpec a = DenoiseRequestSpec.infill("int x = ", 8, ";").withContext("A.java", "class A {}");
        assertNotEquals(key(a), key(DenoiseRequestSpec.infill("int x = ", 8, ";").withContext("B.java", "class A {}")));
        assertNotEquals(key(a), key(DenoiseRequestSpec.infill("int x = ", 8, ";").withContext("A.java", "class B {}")));
    }

    @Test
    void withoutContextTheStartOfThePrefixIsTheKey() {
        String file = "package p;\n" + "// line\n".repeat(200);
        assertEquals(key(DenoiseRequestSpec.infill(file + "int a", 8, "")),
                key(DenoiseRequestSpec.infill(file + "int ab", 8, "")), "typing further down keeps the key");
        assertNotEquals(key(DenoiseRequestSpec.infill("int a", 8, "")), key(DenoiseRequestSpec.infill("int b", 8, "")));
    }
}
