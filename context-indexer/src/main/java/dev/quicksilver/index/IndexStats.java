package dev.quicksilver.index;

import java.nio.file.Path;
import java.util.List;

/**
 * Counts of what the index holds.
 *
 * @param files               text files in the lexical index (any language, Java included)
 * @param javaFiles           Java files in the Java index
 * @param javaFilesFromCache  of those, restored from the persisted index instead of parsed
 * @param javaFilesOutlined   of those, still known by their outline only (declarations; no calls or references yet)
 * @param declarations        types, methods, constructors and fields
 * @param callSites           resolved calls
 * @param references          resolved uses of types, methods and fields
 * @param chunks              lexical chunks
 * @param problems            files skipped or indexed in part (see {@link WorkspaceIndex#problems()})
 * @param sourceRoots         Java source roots found
 * @param classpath           jars and folders resolved against, besides the JDK
 * @param typeShapes          workspace types one-file updates resolve against by their shape, not their source
 *                            (taken at resolution, restored with the persisted index)
 */
public record IndexStats(int files, int javaFiles, int javaFilesFromCache, int javaFilesOutlined, int declarations, int callSites,
                         int references, int chunks, int problems, List<Path> sourceRoots, List<Path> classpath, int typeShapes) {
    public IndexStats {
        sourceRoots = List.copyOf(sourceRoots);
        classpath = List.copyOf(classpath);
    }
}
