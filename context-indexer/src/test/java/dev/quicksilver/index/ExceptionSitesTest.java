package dev.quicksilver.index;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link WorkspaceIndex#checkedExceptions} and {@link WorkspaceIndex#exceptionSites}: Java's rules for checked
 * exceptions, read off resolved files: which calls handle an exception, which method could declare it, what a try
 * could surround.
 */
class ExceptionSitesTest {
    @TempDir
    Path base;

    private static final String STORE = """
            package demo.app;

            public class Store {
                public int load(int n) throws StoreException, IllegalStateException {
                    return n;
                }
            }
            """;

    private static final String STORE_EXCEPTION = """
            package demo.app;

            public class StoreException extends java.io.IOException {
                public StoreException(String message) {
                    super(message);
                }
            }
            """;

    private static final String CALLERS = """
            package demo.app;

            import java.io.IOException;
            import java.util.List;
            import java.util.concurrent.Callable;

            public class Callers extends Base implements Runnable {
                private final Store store = new Store();
                private final int first = store.load(1);

                Callers() {
                    super(new Store().load(2));
                }

                int caught() {
                    try {
                        return store.load(3);
                    } catch (IOException e) {
                        return -1;
                    }
                }

                int declared() throws Exception {
                    return store.load(4);
                }

                int plain(List<Integer> xs) {
                    int e = 0;
                    int total = store.load(5) + e;
                    int unused = store.load(6);
                    xs.forEach(x -> store.load(x + 7));
                    Callable<Integer> c = () -> store.load(8);
                    java.util.function.IntUnaryOperator op = store::load;
                    Callable<Callers> made = Callers::new;
                    return total;
                }

                @Override
                public void run() {
                    store.load(9);
                }

                static {
                    new Store().load(10);
                }

                void inCatch() {
                    try {
                        store.load(11);
                    } catch (StoreException e) {
                        store.load(12);
                    }
                }
            }

            class Base {
                Base(int n) {
                }
            }
            """;

    @Test
    void callsAreReadAsJavaRulesForCheckedExceptionsSay() throws Exception {
        FixtureWorkspace fixture = FixtureWorkspace.create(base);
        fixture.write("src/main/java/demo/app/Store.java", STORE);
        fixture.write("src/main/java/demo/app/StoreException.java", STORE_EXCEPTION);
        Path callers = fixture.write("src/main/java/demo/app/Callers.java", CALLERS);
        try (WorkspaceIndex index = WorkspaceIndex.create(fixture.settings(base.resolve("data")).build())) {
            index.build();
            Path store = fixture.path("src/main/java/demo/app/Store.java");
            List<CheckedException> thrown = index.checkedExceptions(store, STORE, STORE.indexOf("load("));
            assertEquals(1, thrown.size(), "IllegalStateException is unchecked: " + thrown);
            CheckedException e = thrown.getFirst();
            assertEquals("demo.app.StoreException", e.qualifiedName());
            assertEquals(List.of("demo.app.StoreException", "java.io.IOException", "java.lang.Exception", "java.lang.Throwable"), e.supertypes());
            assertNull(e.notDeclarableBecause());
            assertEquals("demo.app.StoreException", e.importedType());

            List<int[]> calls = new ArrayList<>();
            for (int n = 1; n <= 12; n++) {
                String call = n == 7 ? "store.load(x + 7)" : n == 2 || n == 10 ? "new Store().load(" + n + ")" : "store.load(" + n + ")";
                int at = CALLERS.indexOf(call);
                assertTrue(at >= 0, call);
                calls.add(new int[] {at, at + call.length()});
            }
            int reference = CALLERS.indexOf("store::load") + "store::".length();
            calls.add(new int[] {reference, reference + "load".length()});
            int creation = CALLERS.indexOf("Callers::new");
            calls.add(new int[] {creation, creation + "Callers::new".length()});
            List<ExceptionSite> sites = index.exceptionSites(callers, CALLERS, calls, e.supertypes());

            ExceptionSite field = sites.get(0);
            assertFalse(field.handled());
            assertNull(field.declarer());
            assertNull(field.wrap(), "a field's initializer has no statement to surround");
            assertEquals("it is in a field's initializer", field.notWrappableBecause());

            ExceptionSite superCall = sites.get(1);
            assertNotNull(superCall.declarer(), "the constructor may declare it");
            assertEquals("Callers", superCall.declarer().name());
            assertNull(superCall.wrap(), "a super(...) call cannot be put in a try");
            assertTrue(CALLERS.startsWith(") throws", superCall.declarer().throwsAt() - 1) || CALLERS.startsWith(" {", superCall.declarer().throwsAt()),
                    "throws goes after the parameter list");

            assertTrue(sites.get(2).handled(), "caught as IOException, a superclass");
            assertTrue(sites.get(3).handled(), "declared as Exception");

            ExceptionSite total = sites.get(4);
            assertFalse(total.handled());
            assertEquals("plain", total.declarer().name());
            assertFalse(total.declarer().hasThrows());
            assertEquals(") {", CALLERS.substring(total.declarer().throwsAt() - 1, total.declarer().throwsAt() + 2));
            assertEquals("int total;", total.wrap().declaration(), "used after the statement: declared before the try");
            assertEquals("total = store.load(5) + e;", total.wrap().statement());
            assertEquals("ex", total.wrap().catchName(), "a local is named e");

            ExceptionSite unused = sites.get(5);
            assertNull(unused.wrap().declaration(), "not used after: the whole declaration goes in the try");
            assertEquals("int unused = store.load(6);", unused.wrap().statement());

            ExceptionSite lambda = sites.get(6);
            assertNull(lambda.declarer(), "a Consumer's accept throws nothing");
            assertTrue(lambda.notDeclarableBecause().contains("lambda"), lambda.notDeclarableBecause());
            assertTrue(lambda.wrap().lambdaBody());
            assertEquals("store.load(x + 7);", lambda.wrap().statement(), "a void lambda's expression, as a statement");
            assertEquals("store.load(x + 7)", CALLERS.substring(lambda.wrap().start(), lambda.wrap().end()));

            assertTrue(sites.get(7).handled(), "Callable.call() throws Exception");

            ExceptionSite run = sites.get(8);
            assertNull(run.declarer());
            assertEquals("it overrides Runnable.run(), which does not throw StoreException", run.notDeclarableBecause());
            assertEquals("store.load(9);", run.wrap().statement());

            ExceptionSite initializer = sites.get(9);
            assertNull(initializer.declarer());
            assertEquals("it is in an initializer", initializer.notDeclarableBecause());
            assertNotNull(initializer.wrap());

            assertTrue(sites.get(10).handled());
            ExceptionSite inCatch = sites.get(11);
            assertFalse(inCatch.handled(), "a catch block is not covered by its own try");
            assertEquals("inCatch", inCatch.declarer().name());

            ExceptionSite methodReference = sites.get(12);
            assertFalse(methodReference.handled(), "an IntUnaryOperator throws nothing");
            assertNull(methodReference.declarer());
            assertTrue(methodReference.notDeclarableBecause().contains("method reference"), methodReference.notDeclarableBecause());
            assertEquals("i", methodReference.wrap().lambdaParameters(),
                    "it becomes a lambda, its parameter named for its type where the method's names are not known (Store is read from its shape)");
            assertEquals("return store.load(i);", methodReference.wrap().statement());
            assertEquals("store::load", CALLERS.substring(methodReference.wrap().start(), methodReference.wrap().end()));
            assertTrue(sites.get(13).handled(), "a constructor reference as a Callable: call() throws Exception");
        }
    }

    private static final String DROPPED = """
            package demo.app;

            import java.sql.SQLException;

            public class Dropped {
                private final Store store = new Store();

                int only() {
                    try {
                        // first
                        int n = store.load(1);
                        return n;
                        // last
                    } catch (StoreException e) {
                        return -1;
                    }
                }

                int two() {
                    try {
                        return store.load(2);
                    } catch (StoreException e) {
                        return -1;
                    } catch (IllegalStateException e) {
                        return -2;
                    }
                }

                int multi() {
                    try {
                        return store.load(3) + sql();
                    } catch (StoreException | SQLException e) {
                        return -1;
                    }
                }

                int many() {
                    try {
                        return store.load(4) + sql();
                    } catch (SQLException | StoreException | java.io.FileNotFoundException e) {
                        return -1;
                    }
                }

                int other() {
                    try {
                        return 0;
                    } catch (StoreException e) {
                        return -1;
                    }
                }

                int sql() throws SQLException {
                    return 0;
                }
            }
            """;

    /**
     * {@link WorkspaceIndex#droppedCatches}: once a method no longer throws an exception, the catch clauses for it
     * that the compiler finds unreachable are dropped where their try calls the method: a try with no other clause
     * gives way to its statements, one step out; a clause among others goes alone; a multi-catch loses the type.
     */
    @Test
    void catchClausesForAnExceptionNoLongerThrownAreDropped() throws Exception {
        FixtureWorkspace fixture = FixtureWorkspace.create(base);
        fixture.write("src/main/java/demo/app/Store.java", STORE.replace(" throws StoreException, IllegalStateException", ""));
        fixture.write("src/main/java/demo/app/StoreException.java", STORE_EXCEPTION);
        Path dropped = fixture.write("src/main/java/demo/app/Dropped.java", DROPPED);
        try (WorkspaceIndex index = WorkspaceIndex.create(fixture.settings(base.resolve("data")).build())) {
            index.build();
            List<int[]> unreachable = index.compileErrors(dropped, DROPPED).stream().filter(e -> e.id() == 83886247)
                    .map(e -> new int[] {e.start(), e.end()}).toList();
            assertEquals(6, unreachable.size(), "one unreachable catch per method, two in many(): " + index.compileErrors(dropped, DROPPED));
            List<int[]> calls = new ArrayList<>();
            for (int n = 1; n <= 4; n++) {
                int at = DROPPED.indexOf("store.load(" + n + ")");
                calls.add(new int[] {at, at + "store.load(1)".length()});
            }
            List<CatchEdit> edits = index.droppedCatches(dropped, DROPPED, unreachable, calls);
            String edited = DROPPED;
            for (CatchEdit e : edits.stream().filter(java.util.Objects::nonNull).sorted((a, b) -> b.start() - a.start()).toList()) {
                edited = edited.substring(0, e.start()) + e.text() + edited.substring(e.end());
            }
            assertEquals(1, edits.stream().filter(java.util.Objects::isNull).count() - 1, "many()'s two types are one edit: " + edits);
            int otherCatch = DROPPED.indexOf("catch", DROPPED.indexOf("int other()"));
            assertTrue(edits.stream().filter(java.util.Objects::nonNull).noneMatch(e -> e.start() <= otherCatch && otherCatch < e.end()),
                    "other() calls nothing of Store: its catch is not this refactor's");
            String expected = DROPPED
                    .replace("""
                                    try {
                                        // first
                                        int n = store.load(1);
                                        return n;
                                        // last
                                    } catch (StoreException e) {
                                        return -1;
                                    }
                            """, """
                                    // first
                                    int n = store.load(1);
                                    return n;
                                    // last
                            """)
                    .replace("        } catch (StoreException e) {\n            return -1;\n        } catch (IllegalStateException e) {",
                            "        } catch (IllegalStateException e) {")
                    .replace("catch (StoreException | SQLException e)", "catch (SQLException e)")
                    .replace("catch (SQLException | StoreException | java.io.FileNotFoundException e)", "catch (SQLException e)");
            assertEquals(expected, edited);
        }
    }

    @Test
    void aMethodThatOverridesOneNotThrowingTheExceptionMayNotDeclareIt() throws Exception {
        FixtureWorkspace fixture = FixtureWorkspace.create(base);
        String text = """
                package demo.app;

                public class Task implements Runnable {
                    public void run() throws java.io.IOException {
                    }
                }
                """;
        Path file = fixture.write("src/main/java/demo/app/Task.java", text);
        try (WorkspaceIndex index = WorkspaceIndex.create(fixture.settings(base.resolve("data")).build())) {
            index.build();
            List<CheckedException> thrown = index.checkedExceptions(file, text, text.indexOf("run("));
            assertEquals("java.io.IOException", thrown.getFirst().qualifiedName());
            assertEquals("it overrides Runnable.run(), which does not throw IOException", thrown.getFirst().notDeclarableBecause());
        }
    }
}
