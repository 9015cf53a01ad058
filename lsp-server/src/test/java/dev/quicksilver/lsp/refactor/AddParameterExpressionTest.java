package dev.quicksilver.lsp.refactor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How a model's answer for a new argument becomes the expression written at a call site. */
class AddParameterExpressionTest {

    static final String SCOPE = "    public boolean place(String customerId, List<Item> items) {\n"
            + "        for (Item item : items) {\n            if (!inventory.reserve(item.sku(), item.quantity(), ";

    @Test
    void aBareNullGivesWayToTheParametersNamesakeInSight() {
        assertEquals("customerId", AddParameterRefactoring.expression(" null)) {", "customerId", SCOPE));
        assertEquals("customerId", AddParameterRefactoring.expression("null", "customerId", SCOPE));
    }

    @Test
    void withoutANamesakeInSightNullIsKept() {
        // The fallback is then the type's default value, not a variable: null is as good an answer.
        assertEquals("null", AddParameterRefactoring.expression("null);", "\"\"", "int x = 1;"));
        assertEquals("null", AddParameterRefactoring.expression("null);", "null", "int x = 1;"));
    }

    @Test
    void otherAnswersAreKeptOrFallBackAsBefore() {
        assertEquals("item.sku()", AddParameterRefactoring.expression("item.sku()) {", "customerId", SCOPE));
        assertEquals("\"web\"", AddParameterRefactoring.expression("\"web\")", "customerId", SCOPE));
        assertEquals("0", AddParameterRefactoring.expression("0, 1)", "customerId", SCOPE));
        assertEquals("nullable", AddParameterRefactoring.expression("nullable)", "customerId", "nullable = 2"),
                "a name that starts like null");
        assertEquals("customerId", AddParameterRefactoring.expression("order.customer())", "customerId", SCOPE),
                "a name the call site cannot see");
        assertEquals("customerId", AddParameterRefactoring.expression(")", "customerId", SCOPE), "no expression");
    }
}
