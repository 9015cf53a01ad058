package dev.quicksilver.index.workspace;

import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The jars a Maven project declares, found in the local repository. Never touches the network: a dependency that
 * is not in the local repository is reported missing.
 *
 * <p>A small subset of Maven's model: properties ({@code ${...}}, including {@code project.version}), parent poms
 * (by relative path, else from the local repository), {@code dependencyManagement} versions with imported BOMs,
 * and transitive compile/runtime dependencies, nearest first (Maven's "nearest wins"), honouring exclusions and
 * skipping optional ones. Version ranges and profiles are not evaluated.
 */
public final class MavenDependencies {
    public record Coordinates(String groupId, String artifactId, String version, String classifier) {
        String key() {
            return groupId + ":" + artifactId;
        }

        @Override
        public String toString() {
            return groupId + ":" + artifactId + ":" + version + (classifier.isEmpty() ? "" : ":" + classifier);
        }
    }

    public record Resolution(List<Path> jars, List<Coordinates> missing) {
    }

    private record Dependency(Coordinates coordinates, String scope, String type, boolean optional, Set<String> exclusions) {
    }

    /** A pom with its parents applied. */
    private record EffectivePom(Coordinates self, Map<String, String> properties, Map<String, String> managedVersions,
                                Map<String, Set<String>> managedExclusions, List<Dependency> dependencies) {
    }

    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");
    private static final int MAX_DEPTH = 6;

    private final Path localRepository;
    private final Map<Path, Optional<EffectivePom>> pomCache = new HashMap<>();

    public MavenDependencies(Path localRepository) {
        this.localRepository = localRepository;
    }

    public Resolution resolve(Path pomFile) {
        Optional<EffectivePom> root = load(pomFile, 0);
        List<Path> jars = new ArrayList<>();
        List<Coordinates> missing = new ArrayList<>();
        if (root.isEmpty()) return new Resolution(jars, missing);
        Map<String, Coordinates> chosen = new LinkedHashMap<>();
        record Pending(Dependency dependency, int depth, Set<String> exclusions) {
        }
        ArrayDeque<Pending> queue = new ArrayDeque<>();
        for (Dependency d : root.get().dependencies()) {
            if (!d.scope().equals("import")) queue.add(new Pending(d, 1, d.exclusions()));
        }
        while (!queue.isEmpty()) {
            Pending p = queue.poll();
            Coordinates c = p.dependency().coordinates();
            if (chosen.containsKey(c.key()) || !p.dependency().type().equals("jar")) continue;
            chosen.put(c.key(), c);
            Path jar = artifactPath(c, "jar");
            if (!Files.isRegularFile(jar)) {
                missing.add(c);
                continue;
            }
            jars.add(jar);
            if (p.depth() >= MAX_DEPTH) continue;
            Optional<EffectivePom> pom = load(artifactPath(new Coordinates(c.groupId(), c.artifactId(), c.version(), ""), "pom"), 0);
            if (pom.isEmpty()) continue;
            for (Dependency d : pom.get().dependencies()) {
                boolean transitiveScope = d.scope().equals("compile") || d.scope().equals("runtime");
                if (!transitiveScope || d.optional() || p.exclusions().contains(d.coordinates().key())
                        || p.exclusions().contains(d.coordinates().groupId() + ":*")) continue;
                Set<String> exclusions = new HashSet<>(p.exclusions());
                exclusions.addAll(d.exclusions());
                queue.add(new Pending(d, p.depth() + 1, exclusions));
            }
        }
        return new Resolution(jars, missing);
    }

    private Path artifactPath(Coordinates c, String extension) {
        String file = c.artifactId() + "-" + c.version() + (c.classifier().isEmpty() ? "" : "-" + c.classifier()) + "." + extension;
        return localRepository.resolve(c.groupId().replace('.', '/')).resolve(c.artifactId()).resolve(c.version()).resolve(file);
    }

    private Optional<EffectivePom> load(Path pomFile, int depth) {
        Path key = pomFile.toAbsolutePath().normalize();
        Optional<EffectivePom> cached = pomCache.get(key);
        if (cached != null) return cached;
        pomCache.put(key, Optional.empty()); // guards against parent cycles
        Optional<EffectivePom> result = depth > MAX_DEPTH || !Files.isRegularFile(key) ? Optional.empty() : parse(key, depth);
        pomCache.put(key, result);
        return result;
    }

    private Optional<EffectivePom> parse(Path pomFile, int depth) {
        Element project;
        try {
            project = newDocumentBuilder().parse(pomFile.toFile()).getDocumentElement();
        } catch (Exception e) {
            return Optional.empty(); // an unparseable pom contributes nothing
        }
        Map<String, String> properties = new HashMap<>();
        Map<String, String> managed = new HashMap<>();
        Map<String, Set<String>> managedExclusions = new HashMap<>();
        Element parentElement = child(project, "parent");
        String groupId = text(project, "groupId");
        String version = text(project, "version");
        if (parentElement != null) {
            Coordinates parentCoordinates = new Coordinates(text(parentElement, "groupId"), text(parentElement, "artifactId"),
                    text(parentElement, "version"), "");
            String relative = Optional.ofNullable(text(parentElement, "relativePath")).orElse("../pom.xml");
            Path relativePom = pomFile.getParent().resolve(relative);
            if (Files.isDirectory(relativePom)) relativePom = relativePom.resolve("pom.xml");
            Optional<EffectivePom> parent = load(relativePom, depth + 1)
                    .filter(p -> p.self().artifactId().equals(parentCoordinates.artifactId()))
                    .or(() -> load(artifactPath(parentCoordinates, "pom"), depth + 1));
            parent.ifPresent(p -> {
                properties.putAll(p.properties());
                managed.putAll(p.managedVersions());
                managedExclusions.putAll(p.managedExclusions());
            });
            if (groupId == null) groupId = parentCoordinates.groupId();
            if (version == null) version = parentCoordinates.version();
            properties.put("project.parent.version", String.valueOf(parentCoordinates.version()));
        }
        Element propertiesElement = child(project, "properties");
        if (propertiesElement != null) {
            for (Element p : children(propertiesElement)) properties.put(p.getTagName(), p.getTextContent().trim());
        }
        properties.put("project.groupId", String.valueOf(groupId));
        properties.put("project.version", String.valueOf(version));
        properties.put("pom.version", String.valueOf(version));
        properties.put("project.artifactId", String.valueOf(text(project, "artifactId")));
        Coordinates self = new Coordinates(String.valueOf(groupId), String.valueOf(text(project, "artifactId")),
                String.valueOf(version), "");

        Element management = child(project, "dependencyManagement");
        if (management != null && child(management, "dependencies") != null) {
            for (Element d : children(child(management, "dependencies"))) {
                Dependency dependency = dependency(d, properties, Map.of(), Map.of());
                if (dependency == null) continue;
                if (dependency.scope().equals("import") && dependency.type().equals("pom")) {
                    load(artifactPath(dependency.coordinates(), "pom"), depth + 1).ifPresent(bom -> {
                        bom.managedVersions().forEach(managed::putIfAbsent);
                        bom.managedExclusions().forEach(managedExclusions::putIfAbsent);
                    });
                } else {
                    managed.put(dependency.coordinates().key(), dependency.coordinates().version());
                    managedExclusions.put(dependency.coordinates().key(), dependency.exclusions());
                }
            }
        }
        List<Dependency> dependencies = new ArrayList<>();
        Element dependenciesElement = child(project, "dependencies");
        if (dependenciesElement != null) {
            for (Element d : children(dependenciesElement)) {
                Dependency dependency = dependency(d, properties, managed, managedExclusions);
                if (dependency != null) dependencies.add(dependency);
            }
        }
        return Optional.of(new EffectivePom(self, properties, managed, managedExclusions, dependencies));
    }

    private static Dependency dependency(Element d, Map<String, String> properties, Map<String, String> managed,
                                         Map<String, Set<String>> managedExclusions) {
        String groupId = interpolate(text(d, "groupId"), properties);
        String artifactId = interpolate(text(d, "artifactId"), properties);
        if (groupId == null || artifactId == null) return null;
        String version = interpolate(text(d, "version"), properties);
        if (version == null) version = managed.get(groupId + ":" + artifactId);
        if (version == null || version.contains("${") || version.startsWith("[") || version.startsWith("(")) return null;
        String scope = Optional.ofNullable(text(d, "scope")).orElse("compile");
        String type = Optional.ofNullable(text(d, "type")).orElse("jar");
        String classifier = Optional.ofNullable(interpolate(text(d, "classifier"), properties)).orElse("");
        boolean optional = "true".equals(text(d, "optional"));
        // Exclusions declared in dependencyManagement apply wherever the dependency is used.
        Set<String> exclusions = new LinkedHashSet<>(managedExclusions.getOrDefault(groupId + ":" + artifactId, Set.of()));
        Element exclusionsElement = child(d, "exclusions");
        if (exclusionsElement != null) {
            for (Element e : children(exclusionsElement)) exclusions.add(text(e, "groupId") + ":" + text(e, "artifactId"));
        }
        return new Dependency(new Coordinates(groupId, artifactId, version, classifier), scope, type, optional, exclusions);
    }

    private static String interpolate(String value, Map<String, String> properties) {
        if (value == null) return null;
        String result = value;
        for (int pass = 0; pass < 5 && result.contains("${"); pass++) {
            Matcher m = PROPERTY.matcher(result);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String replacement = properties.get(m.group(1));
                m.appendReplacement(sb, Matcher.quoteReplacement(replacement != null ? replacement : m.group()));
            }
            m.appendTail(sb);
            result = sb.toString();
        }
        return result;
    }

    private static DocumentBuilder newDocumentBuilder() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        // A pom is untrusted input: no DTDs, no external entities.
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setExpandEntityReferences(false);
        return factory.newDocumentBuilder();
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) return e;
        }
        return null;
    }

    private static List<Element> children(Element parent) {
        List<Element> result = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e) result.add(e);
        }
        return result;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().trim();
    }

}
