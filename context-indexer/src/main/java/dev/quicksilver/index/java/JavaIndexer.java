package dev.quicksilver.index.java;

import dev.quicksilver.index.CompileError;
import dev.quicksilver.index.IndexProblem;
import dev.quicksilver.index.IndexProblem.Reason;
import dev.quicksilver.index.ScopeVariable;
import dev.quicksilver.index.workspace.FileText;
import org.eclipse.jdt.core.compiler.IProblem;
import org.eclipse.jdt.core.dom.ASTParser;
import org.eclipse.jdt.core.dom.CompilationUnit;
import org.eclipse.jdt.core.dom.FileASTRequestor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Parses Java with JDT Core, bindings resolved, and hands out one {@link JavaFileFacts} per file.
 *
 * <p>Cold indexing resolves files in batches with JDT's batch resolver (what {@link ASTParser#createASTs} runs):
 * one batch shares one lookup environment, so a type is built once per batch rather than once per file (the batch
 * size trades speed for heap), and types of earlier batches come from their shapes rather than being parsed again
 * ({@link ResolvingEnvironment#resolveBatch}). JDT can throw out of a batch on code it does not expect; the files it had already handed over are kept, the rest
 * of the batch is split in halves and retried, and a single file that still fails is parsed without bindings and
 * recorded as {@link Reason#JAVA_COMPILER_FAILURE}. A failure never loses the rest of the workspace.
 *
 * <p>Every file parsed with bindings leaves the {@link TypeShape}s of its types in {@link WorkspaceTypes}. A one-file
 * update ({@link #indexOne}) resolves against those shapes, through a long-lived {@link ResolvingEnvironment}, instead
 * of re-parsing the sources of every type the file uses: see {@link ResolvingEnvironment} for why that is the cost.
 *
 * <p>Thread-safety: cold batches build their own parsers and may run at once; {@link #indexOne} is serialized (the
 * update environment's caches are not thread-safe). {@code sink} and {@code problems} are called from the parsing
 * threads.
 */
public final class JavaIndexer {
    private final JavaEnvironment environment;
    private final long maxFileBytes;
    private final WorkspaceTypes workspaceTypes;
    private final ResolvingEnvironment resolver;

    public JavaIndexer(JavaEnvironment environment, long maxFileBytes, WorkspaceTypes workspaceTypes) {
        this.environment = environment;
        this.maxFileBytes = maxFileBytes;
        this.workspaceTypes = workspaceTypes;
        this.resolver = new ResolvingEnvironment(environment, workspaceTypes);
    }

    /** Files were created or deleted: cached directory listings of the source roots are stale. */
    public void sourceTreeChanged() {
        resolver.sourceTreeChanged();
    }

    public JavaEnvironment environment() {
        return environment;
    }

    public void indexAll(List<Path> files, int batchSize, int threads, Consumer<JavaFileFacts> sink,
                         Consumer<IndexProblem> problems) {
        indexAll(files, batchSize, threads, sink, problems, () -> false);
    }

    /**
     * Resolves {@code files} in batches. Once {@code cancelled} answers true, no further batch starts and a
     * {@link CancellationException} (also one thrown by {@code sink}) ends the work instead of being retried as a
     * compiler failure.
     */
    public void indexAll(List<Path> files, int batchSize, int threads, Consumer<JavaFileFacts> sink,
                         Consumer<IndexProblem> problems, BooleanSupplier cancelled) {
        List<List<Path>> batches = new ArrayList<>();
        for (int i = 0; i < files.size(); i += batchSize) {
            batches.add(files.subList(i, Math.min(files.size(), i + batchSize)));
        }
        if (threads <= 1 || batches.size() <= 1) {
            for (List<Path> batch : batches) {
                if (cancelled.getAsBoolean()) throw new CancellationException("indexing was cancelled");
                indexBatch(batch, sink, problems);
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "java-indexer");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (List<Path> batch : batches) {
                futures.add(pool.submit(() -> {
                    if (cancelled.getAsBoolean()) throw new CancellationException("indexing was cancelled");
                    indexBatch(batch, sink, problems);
                }));
            }
            for (Future<?> f : futures) f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof CancellationException c) throw c;
            throw new IllegalStateException("Java indexing failed", e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("Java indexing was interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private void indexBatch(List<Path> batch, Consumer<JavaFileFacts> sink, Consumer<IndexProblem> problems) {
        Set<String> accepted = new HashSet<>();
        try {
            FileASTRequestor requestor = new FileASTRequestor() {
                @Override
                public void acceptAST(String sourceFilePath, CompilationUnit unit) {
                    accepted.add(sourceFilePath);
                    Path path = Path.of(sourceFilePath);
                    try {
                        if (FileText.read(path, maxFileBytes) instanceof FileText.Text(String text)) {
                            workspaceTypes.putFrom(path, unit);
                            deliver(FactsCollector.collect(path, unit, text, true), sink, problems);
                        }
                    } catch (CancellationException e) {
                        throw e;
                    } catch (RuntimeException | StackOverflowError e) {
                        problems.accept(new IndexProblem(path, Reason.JAVA_COMPILER_FAILURE, describe(e)));
                    }
                }
            };
            if (!resolver.resolveBatch(batch, requestor)) {
                ASTParser parser = environment.newParser(true);
                String[] paths = batch.stream().map(Path::toString).toArray(String[]::new);
                parser.createASTs(paths, null, new String[0], requestor, null);
            }
        } catch (CancellationException e) {
            throw e; // not a compiler failure: nothing to retry
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            List<Path> remaining = batch.stream().filter(p -> !accepted.contains(p.toString())).toList();
            if (remaining.size() == 1) {
                problems.accept(new IndexProblem(remaining.getFirst(), Reason.JAVA_COMPILER_FAILURE, describe(e)));
                parseWithoutBindings(remaining.getFirst(), sink, problems);
            } else if (remaining.size() > 1) {
                int half = remaining.size() / 2;
                indexBatch(remaining.subList(0, half), sink, problems);
                indexBatch(remaining.subList(half, remaining.size()), sink, problems);
            }
        }
    }

    private void parseWithoutBindings(Path path, Consumer<JavaFileFacts> sink, Consumer<IndexProblem> problems) {
        if (FileText.read(path, maxFileBytes) instanceof FileText.Text(String text)) {
            try {
                deliver(parse(path, text, false), sink, problems);
            } catch (RuntimeException | StackOverflowError e) {
                problems.accept(new IndexProblem(path, Reason.JAVA_COMPILER_FAILURE, "no bindings either: " + describe(e)));
            }
        }
    }

    /**
     * Re-parses one file from {@code text} (the editor's buffer or the file on disk), resolving against the source
     * roots and classpath; other files are read by JDT from disk as needed. Never throws for bad input.
     */
    public synchronized JavaFileFacts indexOne(Path path, String text, Consumer<IndexProblem> problems) {
        try {
            CompilationUnit unit = resolver.resolve(path, text);
            workspaceTypes.putFrom(path, unit);
            return report(FactsCollector.collect(path, unit, text, true), problems);
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            problems.accept(new IndexProblem(path, Reason.JAVA_COMPILER_FAILURE, describe(e)));
            try {
                return report(parse(path, text, false), problems);
            } catch (RuntimeException | StackOverflowError e2) {
                return new JavaFileFacts(path, "", List.of(), List.of(), List.of(), List.of(), 1, describe(e2), false);
            }
        }
    }

    /** Names that do not exist. Not UndefinedConstructor: JDT reports a constructor call with wrong arguments so. */
    private static final Set<Integer> UNKNOWN_NAMES = Set.of(IProblem.UndefinedName, IProblem.UndefinedMethod, IProblem.UndefinedField,
            IProblem.UnresolvedVariable, IProblem.UndefinedType);

    /** Syntax that stops before it is done: a phrase, scope or file not completed, a comment not closed. */
    private static final Set<Integer> UNFINISHED_SYNTAX = Set.of(IProblem.ParsingErrorInsertToComplete, IProblem.ParsingErrorInsertToCompleteScope,
            IProblem.ParsingErrorInsertToCompletePhrase, IProblem.ParsingErrorUnexpectedEOF, IProblem.EndOfSource, IProblem.UnterminatedComment);

    /** What code has while its author is still writing it: exceptions not yet handled, locals not yet assigned, no return yet. */
    private static final Set<Integer> PENDING = Set.of(IProblem.UnhandledException, IProblem.UnhandledExceptionOnAutoClose,
            IProblem.UninitializedLocalVariable, IProblem.UninitializedLocalVariableHintMissingDefault, IProblem.ShouldReturnValue,
            IProblem.ShouldReturnValueHintMissingDefault);

    private static CompileError.Kind kindOf(IProblem p) {
        int id = p.getID();
        if (UNKNOWN_NAMES.contains(id)) return CompileError.Kind.UNKNOWN_NAME;
        if (UNFINISHED_SYNTAX.contains(id)) return CompileError.Kind.UNFINISHED_SYNTAX;
        if ((id & IProblem.Syntax) != 0) return CompileError.Kind.SYNTAX;
        return PENDING.contains(id) ? CompileError.Kind.PENDING : CompileError.Kind.OTHER;
    }

    /**
     * The errors the compiler reports for {@code text} as the file {@code path}, resolved like {@link #indexOne}
     * but recording nothing: a refactor checks its candidate edits with it. Warnings are not reported (see
     * {@link JavaEnvironment#compilerOptions}). A JDT failure is reported as one error spanning the text.
     */
    public synchronized List<CompileError> compileErrors(Path path, String text) {
        try {
            CompilationUnit unit = resolver.resolve(path, text);
            List<CompileError> errors = new ArrayList<>();
            for (IProblem p : unit.getProblems()) {
                if (!p.isError()) continue;
                int start = Math.max(0, p.getSourceStart());
                int end = Math.max(start, Math.min(text.length(), p.getSourceEnd() + 1)); // JDT's end is inclusive
                errors.add(new CompileError(start, end, p.getID(), p.getMessage(), kindOf(p)));
            }
            return errors;
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            return List.of(new CompileError(0, text.length(), -1, "the Java compiler failed: " + describe(e), CompileError.Kind.OTHER));
        }
    }

    /**
     * The lambdas of {@code text} as the file {@code path} whose functional method has one of {@code methodKeys}
     * ({@link ImplementingLambdas}), from one resolve like {@link #compileErrors}'s; none when JDT fails on the text.
     */
    public synchronized List<dev.quicksilver.index.LambdaSite> lambdasImplementing(Path path, String text, Set<String> methodKeys) {
        try {
            return ImplementingLambdas.in(resolver.resolve(path, text), text, methodKeys);
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            return List.of();
        }
    }


    /**
     * The uses of the local variables or parameters declared by the names at {@code nameOffsets} of {@code text} as
     * the file {@code path} ({@link LocalVariableUses}), with {@code privateFields} of the private fields too ({@link
     * PrivateFieldUses}), and whether {@code newNames} would clash, from one resolve; empty where no such variable is
     * declared there or JDT fails on the text.
     */
    public synchronized List<java.util.Optional<dev.quicksilver.index.VariableUses>> variableUses(Path path, String text, List<Integer> nameOffsets,
                                                                                                   List<String> newNames, boolean privateFields) {
        try {
            CompilationUnit unit = resolver.resolve(path, text);
            List<java.util.Optional<dev.quicksilver.index.VariableUses>> out = new ArrayList<>();
            for (int i = 0; i < nameOffsets.size(); i++) {
                int offset = nameOffsets.get(i);
                String newName = newNames.get(i);
                var uses = LocalVariableUses.of(unit, offset, newName);
                out.add(uses.isEmpty() && privateFields ? PrivateFieldUses.of(unit, offset, newName) : uses);
            }
            return out;
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            return nameOffsets.stream().map(o -> java.util.Optional.<dev.quicksilver.index.VariableUses>empty()).toList();
        }
    }

    /**
     * The checked exceptions the method or constructor named at {@code nameOffset} of {@code text} as the file
     * {@code path} declares ({@link ExceptionHandling}); none when JDT fails on the text.
     */
    public synchronized List<dev.quicksilver.index.CheckedException> checkedExceptions(Path path, String text, int nameOffset) {
        try {
            return ExceptionHandling.declaredBy(resolver.resolve(path, text), nameOffset);
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            return List.of();
        }
    }

    /**
     * How the exception of {@code supertypes} is handled, or could be, at each call {@code [start, end)} of {@code text}
     * as the file {@code path} ({@link ExceptionHandling}), from one resolve; nulls when JDT fails on the text.
     */
    public synchronized List<dev.quicksilver.index.ExceptionSite> exceptionSites(Path path, String text, List<int[]> calls, List<String> supertypes) {
        try {
            return ExceptionHandling.at(resolver.resolve(path, text), text, calls, supertypes);
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            List<dev.quicksilver.index.ExceptionSite> none = new ArrayList<>();
            for (int i = 0; i < calls.size(); i++) none.add(null);
            return none;
        }
    }

    /**
     * The edits that drop the catch clauses at {@code catches} of {@code text} as the file {@code path} whose trys hold
     * one of {@code calls} ({@link ExceptionHandling#droppedCatches}), from one resolve; nulls when JDT fails on the text.
     */
    public synchronized List<dev.quicksilver.index.CatchEdit> droppedCatches(Path path, String text, List<int[]> catches, List<int[]> calls) {
        try {
            return ExceptionHandling.droppedCatches(resolver.resolve(path, text), text, catches, calls);
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            List<dev.quicksilver.index.CatchEdit> none = new ArrayList<>();
            for (int i = 0; i < catches.size(); i++) none.add(null);
            return none;
        }
    }

    /**
     * The variables in sight at each of {@code offsets} of {@code text} as the file {@code path} (see
     * {@link VisibleVariables}), from one resolve like {@link #compileErrors}'s; empty lists when JDT fails on the text.
     */
    public synchronized List<List<ScopeVariable>> variablesInScope(Path path, String text, List<Integer> offsets) {
        try {
            CompilationUnit unit = resolver.resolve(path, text);
            return offsets.stream().map(offset -> VisibleVariables.at(unit, offset)).toList();
        } catch (RuntimeException | StackOverflowError | LinkageError e) {
            return offsets.stream().map(offset -> List.<ScopeVariable>of()).toList();
        }
    }

    private JavaFileFacts parse(Path path, String text, boolean resolveBindings) {
        ASTParser parser = environment.newParser(resolveBindings);
        parser.setSource(text.toCharArray());
        // Standalone bindings need a unit name; the absolute path lets JDT find the file's package and root.
        parser.setUnitName(path.toString());
        CompilationUnit unit = (CompilationUnit) parser.createAST(null);
        return FactsCollector.collect(path, unit, text, resolveBindings);
    }

    private static void deliver(JavaFileFacts facts, Consumer<JavaFileFacts> sink, Consumer<IndexProblem> problems) {
        sink.accept(report(facts, problems));
    }

    private static JavaFileFacts report(JavaFileFacts facts, Consumer<IndexProblem> problems) {
        if (facts.syntaxErrors() > 0) {
            problems.accept(new IndexProblem(facts.path(), Reason.JAVA_SYNTAX_ERRORS,
                    facts.syntaxErrors() + " syntax error(s), first at " + facts.firstError()));
        }
        return facts;
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
