package dev.quicksilver.index.java;

import dev.quicksilver.index.CallSite;
import dev.quicksilver.index.Reference;
import dev.quicksilver.index.SymbolInfo;
import dev.quicksilver.index.TextPosition;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * The Java index: per-file {@link JavaFileFacts} plus the reverse maps the queries need (declarations by key and by
 * simple name, call sites by callee, references by target, overriders by method, subtypes by type).
 *
 * <p>Concurrency: one {@link ReadWriteLock}. Queries take the read lock and copy out what they return, so callers
 * never see a map being changed. {@link #put} and {@link #remove} take the write lock only to swap one file's
 * facts in or out; the expensive part (parsing) happens before, outside the lock. Replacing a file removes its old
 * contributions first, so the reverse maps always equal the union of the current per-file facts.
 */
public final class SymbolTable {
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<Path, JavaFileFacts> files = new HashMap<>();
    private final Map<String, SymbolInfo> declarationsByKey = new HashMap<>();
    private final Map<String, List<SymbolInfo>> declarationsByName = new HashMap<>();
    private final Map<String, List<CallSite>> callsByCallee = new HashMap<>();
    private final Map<String, List<Reference>> referencesByTarget = new HashMap<>();
    private final Map<String, List<String>> overridersByMethod = new HashMap<>();
    private final Map<String, List<String>> subtypesByType = new HashMap<>();

    public void put(JavaFileFacts facts) {
        lock.writeLock().lock();
        try {
            removeLocked(facts.path());
            files.put(facts.path(), facts);
            for (SymbolInfo d : facts.declarations()) {
                declarationsByKey.put(d.key(), d);
                declarationsByName.computeIfAbsent(d.name(), k -> new ArrayList<>(1)).add(d);
                // Reverse edges: from a supertype (or overridden method) to the declaration below it.
                Map<String, List<String>> reverse = d.kind().isType() ? subtypesByType : overridersByMethod;
                for (String supertype : d.supertypeKeys()) reverse.computeIfAbsent(supertype, k -> new ArrayList<>(2)).add(d.key());
            }
            for (CallSite c : facts.calls()) callsByCallee.computeIfAbsent(c.calleeKey(), k -> new ArrayList<>(2)).add(c);
            for (Reference r : facts.references()) referencesByTarget.computeIfAbsent(r.targetKey(), k -> new ArrayList<>(2)).add(r);
        } finally {
            lock.writeLock().unlock();
        }
    }

    public void remove(Path path) {
        lock.writeLock().lock();
        try {
            removeLocked(path);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void removeLocked(Path path) {
        JavaFileFacts old = files.remove(path);
        if (old == null) return;
        for (SymbolInfo d : old.declarations()) {
            if (declarationsByKey.get(d.key()) == d) declarationsByKey.remove(d.key());
            removeFrom(declarationsByName, d.name(), s -> s == d);
            Map<String, List<String>> reverse = d.kind().isType() ? subtypesByType : overridersByMethod;
            for (String supertype : d.supertypeKeys()) removeFrom(reverse, supertype, k -> k.equals(d.key()));
        }
        Set<String> callees = new HashSet<>();
        for (CallSite c : old.calls()) callees.add(c.calleeKey());
        for (String callee : callees) removeFrom(callsByCallee, callee, c -> c.location().path().equals(path));
        Set<String> targets = new HashSet<>();
        for (Reference r : old.references()) targets.add(r.targetKey());
        for (String target : targets) removeFrom(referencesByTarget, target, r -> r.location().path().equals(path));
    }

    private static <T> void removeFrom(Map<String, List<T>> map, String key, java.util.function.Predicate<T> match) {
        List<T> list = map.get(key);
        if (list == null) return;
        list.removeIf(match);
        if (list.isEmpty()) map.remove(key);
    }

    // ---- queries (read lock, copies out) ----

    public Optional<JavaFileFacts> facts(Path path) {
        return read(() -> Optional.ofNullable(files.get(path)));
    }

    public Optional<SymbolInfo> declaration(String key) {
        return read(() -> Optional.ofNullable(declarationsByKey.get(key)));
    }

    public List<SymbolInfo> declarationsNamed(String simpleName) {
        return read(() -> List.copyOf(declarationsByName.getOrDefault(simpleName, List.of())));
    }

    /** Members declared directly in the type {@code typeKey}, in source order. */
    public List<SymbolInfo> members(String typeKey) {
        return read(() -> {
            SymbolInfo type = declarationsByKey.get(typeKey);
            if (type == null) return List.of();
            JavaFileFacts facts = files.get(type.location().path());
            if (facts == null) return List.of();
            return facts.declarations().stream().filter(d -> d.declaringTypeKey().equals(typeKey) && !d.key().equals(typeKey)).toList();
        });
    }

    public List<CallSite> callSites(String methodKey) {
        return read(() -> sorted(callsByCallee.getOrDefault(methodKey, List.of()), c -> c.location()));
    }

    public List<Reference> references(String key) {
        return read(() -> sorted(referencesByTarget.getOrDefault(key, List.of()), r -> r.location()));
    }

    /**
     * For a method key: every declaration that overrides or implements it, directly or through other overriders.
     * For a type key: every subtype, direct or not.
     */
    public List<SymbolInfo> implementations(String key) {
        return read(() -> {
            boolean isMethod = key.contains("(");
            Map<String, List<String>> reverse = isMethod ? overridersByMethod : subtypesByType;
            Set<String> found = new LinkedHashSet<>();
            Deque<String> pending = new ArrayDeque<>(reverse.getOrDefault(key, List.of()));
            while (!pending.isEmpty()) {
                String k = pending.pop();
                if (found.add(k)) pending.addAll(reverse.getOrDefault(k, List.of()));
            }
            List<SymbolInfo> result = new ArrayList<>();
            for (String k : found) {
                SymbolInfo d = declarationsByKey.get(k);
                if (d != null) result.add(d);
            }
            result.sort(Comparator.comparing((SymbolInfo d) -> d.location().path().toString()).thenComparingInt(d -> d.location().line()));
            return result;
        });
    }

    /** The declaration or resolved reference whose name covers {@code position} in {@code path}. */
    public Optional<SymbolInfo> symbolAt(Path path, TextPosition position) {
        return read(() -> {
            JavaFileFacts facts = files.get(path);
            if (facts == null) return Optional.empty();
            for (SymbolInfo d : facts.declarations()) {
                if (d.nameRange().contains(position)) return Optional.of(d);
            }
            for (Reference r : facts.references()) {
                if (r.location().range().contains(position)) return Optional.ofNullable(declarationsByKey.get(r.targetKey()));
            }
            return Optional.empty();
        });
    }

    public int fileCount() {
        return read(files::size);
    }

    public Stats stats() {
        return read(() -> {
            int declarations = 0, calls = 0, references = 0;
            for (JavaFileFacts f : files.values()) {
                declarations += f.declarations().size();
                calls += f.calls().size();
                references += f.references().size();
            }
            return new Stats(files.size(), declarations, calls, references);
        });
    }

    public Collection<JavaFileFacts> allFacts() {
        return read(() -> List.copyOf(files.values()));
    }

    public record Stats(int files, int declarations, int callSites, int references) {
    }

    private static <T> List<T> sorted(List<T> items, Function<T, dev.quicksilver.index.SourceLocation> location) {
        List<T> copy = new ArrayList<>(items);
        copy.sort(Comparator.comparing((T t) -> location.apply(t).path().toString())
                .thenComparingInt(t -> location.apply(t).range().startLine())
                .thenComparingInt(t -> location.apply(t).range().startColumn()));
        return copy;
    }

    private <T> T read(java.util.function.Supplier<T> query) {
        lock.readLock().lock();
        try {
            return query.get();
        } finally {
            lock.readLock().unlock();
        }
    }
}
