package dev.quicksilver.index.java;

import org.eclipse.jdt.core.compiler.CharOperation;
import org.eclipse.jdt.core.dom.ITypeBinding;
import org.eclipse.jdt.internal.compiler.classfmt.ClassFileConstants;
import org.eclipse.jdt.internal.compiler.env.ClassSignature;
import org.eclipse.jdt.internal.compiler.env.EnumConstantSignature;
import org.eclipse.jdt.internal.compiler.env.IBinaryAnnotation;
import org.eclipse.jdt.internal.compiler.env.IBinaryField;
import org.eclipse.jdt.internal.compiler.env.IBinaryMethod;
import org.eclipse.jdt.internal.compiler.env.IBinaryNestedType;
import org.eclipse.jdt.internal.compiler.env.IBinaryType;
import org.eclipse.jdt.internal.compiler.env.IBinaryTypeAnnotation;
import org.eclipse.jdt.internal.compiler.env.IRecordComponent;
import org.eclipse.jdt.internal.compiler.env.ITypeAnnotationWalker;
import org.eclipse.jdt.internal.compiler.impl.Constant;
import org.eclipse.jdt.internal.compiler.lookup.BinaryTypeBinding.ExternalAnnotationStatus;
import org.eclipse.jdt.internal.compiler.lookup.ExtraCompilerModifiers;
import org.eclipse.jdt.internal.compiler.lookup.FieldBinding;
import org.eclipse.jdt.internal.compiler.lookup.LookupEnvironment;
import org.eclipse.jdt.internal.compiler.lookup.MethodBinding;
import org.eclipse.jdt.internal.compiler.lookup.RecordComponentBinding;
import org.eclipse.jdt.internal.compiler.lookup.ReferenceBinding;
import org.eclipse.jdt.internal.compiler.lookup.SourceTypeBinding;
import org.eclipse.jdt.internal.compiler.lookup.TagBits;
import org.eclipse.jdt.internal.compiler.lookup.TypeBinding;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The outside of one source type, the way a class file would describe it: name, modifiers, supertypes, generic
 * signature, member types, fields and method signatures, no bodies. One-file updates resolve the edited file against
 * these shapes of every other workspace type (see {@link WorkspaceTypes}) instead of re-parsing their sources: JDT
 * builds a binary type binding from a shape lazily and without parsing, which is what makes an update cost about
 * one file's parse and resolve (the same reason a JDK type from the {@code jrt} image is cheap).
 *
 * <p>A shape is taken from JDT's own compiler bindings of a fully resolved unit (the DOM binding's internal
 * {@code ReferenceBinding}, reached by reflection: there is no public way), so descriptors and generic signatures
 * are exactly what JDT's class-file writer would emit ({@code MethodBinding.signature()} includes the synthetic
 * enclosing-instance and enum parameters that {@code BinaryTypeBinding} strips again). Binding keys computed against
 * a shape equal those computed against the source; {@code JavaIndexTest} checks that over a whole fixture. Types
 * whose key would differ are not shaped: local and anonymous types (never visible to other files) and secondary
 * top-level types (a source key carries the file's main type, {@code Lp/Main~Other;}, a binary one does not); those
 * are still found from source.
 *
 * <p>Immutable and free of compiler bindings, so one shape serves any number of lookup environments.
 */
final class TypeShape implements IBinaryType {
    private static final Field DOM_TYPE_BINDING = internalBindingField();

    private final char[] binaryName;
    private final char[] sourceName;
    private final char[] fileName;
    private final int modifiers;
    private final long tagBits;
    private final char[] superclassName;
    private final char[][] interfaceNames;
    private final char[][] permittedSubtypeNames;
    private final char[] genericSignature;
    private final char[] enclosingTypeName;
    private final IBinaryNestedType[] memberTypes;
    private final IBinaryField[] fields;
    private final IBinaryMethod[] methods;
    private final IRecordComponent[] recordComponents;

    private TypeShape(ReferenceBinding type, char[] fileName) {
        this.binaryName = type.constantPoolName();
        this.sourceName = type.sourceName();
        this.fileName = fileName;
        // Class-file flags of a (member) class: JDT keeps the implicit ones (interface members are static, ...).
        this.modifiers = type.getAccessFlags() & ~ClassFileConstants.AccSynthetic;
        this.tagBits = type.getAnnotationTagBits() & TagBits.AllStandardAnnotationsMask;
        ReferenceBinding superclass = type.superclass();
        this.superclassName = superclass == null ? null : superclass.constantPoolName();
        this.interfaceNames = names(type.superInterfaces(), NoInterface);
        this.permittedSubtypeNames = names(type.permittedTypes(), null);
        this.genericSignature = type instanceof SourceTypeBinding source ? source.genericSignature() : null;
        this.enclosingTypeName = type.isMemberType() ? type.enclosingType().constantPoolName() : null;

        ReferenceBinding[] members = type.memberTypes();
        List<IBinaryNestedType> memberRefs = new ArrayList<>();
        for (ReferenceBinding member : members) {
            memberRefs.add(new MemberTypeRef(member.constantPoolName(), binaryName, member.getAccessFlags()));
        }
        this.memberTypes = memberRefs.isEmpty() ? NoNestedType : memberRefs.toArray(IBinaryNestedType[]::new);

        List<IBinaryField> fieldShapes = new ArrayList<>();
        for (FieldBinding field : type.fields()) fieldShapes.add(FieldShape.of(field));
        this.fields = fieldShapes.isEmpty() ? NoField : fieldShapes.toArray(IBinaryField[]::new);

        List<IBinaryMethod> methodShapes = new ArrayList<>();
        for (MethodBinding method : type.methods()) methodShapes.add(MethodShape.of(method));
        this.methods = methodShapes.isEmpty() ? NoMethod : methodShapes.toArray(IBinaryMethod[]::new);

        if (type.isRecord()) {
            List<IRecordComponent> components = new ArrayList<>();
            for (RecordComponentBinding component : type.components()) {
                components.add(new FieldShape(component.name, component.type.signature(), component.genericSignature(),
                        component.modifiers & ExtraCompilerModifiers.AccJustFlag, Constant.NotAConstant, 0));
            }
            this.recordComponents = components.toArray(IRecordComponent[]::new);
        } else {
            this.recordComponents = null;
        }
    }

    private TypeShape(char[] binaryName, char[] sourceName, char[] fileName, int modifiers, long tagBits, char[] superclassName,
                      char[][] interfaceNames, char[][] permittedSubtypeNames, char[] genericSignature, char[] enclosingTypeName,
                      IBinaryNestedType[] memberTypes, IBinaryField[] fields, IBinaryMethod[] methods, IRecordComponent[] recordComponents) {
        this.binaryName = binaryName;
        this.sourceName = sourceName;
        this.fileName = fileName;
        this.modifiers = modifiers;
        this.tagBits = tagBits;
        this.superclassName = superclassName;
        this.interfaceNames = interfaceNames;
        this.permittedSubtypeNames = permittedSubtypeNames;
        this.genericSignature = genericSignature;
        this.enclosingTypeName = enclosingTypeName;
        this.memberTypes = memberTypes;
        this.fields = fields;
        this.methods = methods;
        this.recordComponents = recordComponents;
    }

    // ---- persisted with the index (see ShapeCodec): every field, so a restored shape answers as the original ----

    void write(java.io.DataOutputStream out) throws java.io.IOException {
        ShapeCodec.chars(out, binaryName);
        ShapeCodec.chars(out, sourceName);
        ShapeCodec.chars(out, fileName);
        out.writeInt(modifiers);
        out.writeLong(tagBits);
        ShapeCodec.chars(out, superclassName);
        ShapeCodec.names(out, interfaceNames);
        ShapeCodec.names(out, permittedSubtypeNames);
        ShapeCodec.chars(out, genericSignature);
        ShapeCodec.chars(out, enclosingTypeName);
        out.writeInt(memberTypes.length);
        for (IBinaryNestedType m : memberTypes) {
            ShapeCodec.chars(out, m.getName());
            ShapeCodec.chars(out, m.getEnclosingTypeName());
            out.writeInt(m.getModifiers());
        }
        out.writeInt(fields.length);
        for (IBinaryField f : fields) ((FieldShape) f).write(out);
        out.writeInt(methods.length);
        for (IBinaryMethod m : methods) ((MethodShape) m).write(out);
        out.writeInt(recordComponents == null ? -1 : recordComponents.length);
        if (recordComponents != null) for (IRecordComponent c : recordComponents) ((FieldShape) c).write(out);
    }

    static TypeShape read(java.io.DataInputStream in) throws java.io.IOException {
        char[] binaryName = ShapeCodec.chars(in);
        char[] sourceName = ShapeCodec.chars(in);
        char[] fileName = ShapeCodec.chars(in);
        int modifiers = in.readInt();
        long tagBits = in.readLong();
        char[] superclassName = ShapeCodec.chars(in);
        char[][] interfaceNames = ShapeCodec.names(in);
        char[][] permittedSubtypeNames = ShapeCodec.names(in);
        char[] genericSignature = ShapeCodec.chars(in);
        char[] enclosingTypeName = ShapeCodec.chars(in);
        IBinaryNestedType[] memberTypes = new IBinaryNestedType[in.readInt()];
        for (int i = 0; i < memberTypes.length; i++) memberTypes[i] = new MemberTypeRef(ShapeCodec.chars(in), ShapeCodec.chars(in), in.readInt());
        IBinaryField[] fields = new IBinaryField[in.readInt()];
        for (int i = 0; i < fields.length; i++) fields[i] = FieldShape.read(in);
        IBinaryMethod[] methods = new IBinaryMethod[in.readInt()];
        for (int i = 0; i < methods.length; i++) methods[i] = MethodShape.read(in);
        int components = in.readInt();
        IRecordComponent[] recordComponents = components < 0 ? null : new IRecordComponent[components];
        for (int i = 0; i < components; i++) recordComponents[i] = FieldShape.read(in);
        return new TypeShape(binaryName, sourceName, fileName, modifiers, tagBits, superclassName, interfaceNames,
                permittedSubtypeNames, genericSignature, enclosingTypeName, memberTypes.length == 0 ? NoNestedType : memberTypes,
                fields.length == 0 ? NoField : fields, methods.length == 0 ? NoMethod : methods, recordComponents);
    }

    /**
     * Shapes of a type declared in source and of its member types, recursively; empty for a type that must stay
     * source-only (see the class comment) or whose compiler binding is not reachable.
     */
    static List<TypeShape> of(ITypeBinding domType, String mainTypeName, char[] fileName) {
        Optional<ReferenceBinding> internal = internal(domType);
        if (internal.isEmpty()) return List.of();
        ReferenceBinding type = internal.get();
        if (type.isLocalType() || type.isAnonymousType()) return List.of();
        if (!type.isMemberType() && !String.valueOf(type.sourceName()).equals(mainTypeName)) return List.of();
        List<TypeShape> shapes = new ArrayList<>();
        collect(type, fileName, shapes);
        return shapes;
    }

    private static void collect(ReferenceBinding type, char[] fileName, List<TypeShape> into) {
        into.add(new TypeShape(type, fileName));
        for (ReferenceBinding member : type.memberTypes()) collect(member, fileName, into);
    }

    private static Optional<ReferenceBinding> internal(ITypeBinding domType) {
        if (DOM_TYPE_BINDING == null || domType == null) return Optional.empty();
        try {
            return DOM_TYPE_BINDING.get(domType) instanceof ReferenceBinding r && r.isValidBinding() ? Optional.of(r) : Optional.empty();
        } catch (IllegalAccessException | IllegalArgumentException e) {
            return Optional.empty(); // a recovered or other DOM binding without a compiler binding behind it
        }
    }

    private static Field internalBindingField() {
        try {
            Field field = Class.forName("org.eclipse.jdt.core.dom.TypeBinding").getDeclaredField("binding");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // another JDT version: updates fall back to resolving other files from source
        }
    }

    /** True when shapes can be taken with this JDT (else updates resolve against sources only). */
    static boolean supported() {
        return DOM_TYPE_BINDING != null;
    }

    /** The binary name, {@code java/util/Map$Entry}: what the name environment is asked for. */
    String binaryName() {
        return String.valueOf(binaryName);
    }

    private static char[][] names(ReferenceBinding[] types, char[][] none) {
        if (types == null || types.length == 0) return none;
        char[][] names = new char[types.length][];
        for (int i = 0; i < types.length; i++) names[i] = types[i].constantPoolName();
        return names;
    }

    // ---- IBinaryType ----

    @Override public IBinaryAnnotation[] getAnnotations() { return null; }
    @Override public IBinaryTypeAnnotation[] getTypeAnnotations() { return null; }
    @Override public char[] getEnclosingMethod() { return null; }
    @Override public char[] getEnclosingTypeName() { return enclosingTypeName; }
    @Override public IBinaryField[] getFields() { return fields; }
    @Override public IRecordComponent[] getRecordComponents() { return recordComponents; }
    @Override public char[] getModule() { return null; }
    @Override public char[] getGenericSignature() { return genericSignature; }
    @Override public char[][] getInterfaceNames() { return interfaceNames; }
    @Override public char[][] getPermittedSubtypesNames() { return permittedSubtypeNames; }
    @Override public IBinaryNestedType[] getMemberTypes() { return memberTypes; }
    @Override public IBinaryMethod[] getMethods() { return methods; }
    @Override public char[][][] getMissingTypeNames() { return null; }
    @Override public char[] getName() { return binaryName; }
    @Override public char[] getSourceName() { return sourceName; }
    @Override public char[] getSuperclassName() { return superclassName; }
    @Override public long getTagBits() { return tagBits; }
    @Override public boolean isAnonymous() { return false; }
    @Override public boolean isLocal() { return false; }
    @Override public boolean isRecord() { return recordComponents != null; }
    @Override public boolean isMember() { return enclosingTypeName != null; }
    @Override public char[] sourceFileName() { return null; }
    @Override public ITypeAnnotationWalker enrichWithExternalAnnotationsFor(ITypeAnnotationWalker walker, Object member, LookupEnvironment environment) { return walker; }
    @Override public ExternalAnnotationStatus getExternalAnnotationStatus() { return ExternalAnnotationStatus.NOT_EEA_CONFIGURED; }
    @Override public int getModifiers() { return modifiers; }
    @Override public boolean isBinaryType() { return true; }
    @Override public char[] getFileName() { return fileName; }

    @Override
    public String toString() {
        return "TypeShape[" + binaryName() + "]";
    }

    private record MemberTypeRef(char[] getName, char[] getEnclosingTypeName, int getModifiers) implements IBinaryNestedType {
    }

    private record FieldShape(char[] getName, char[] getTypeName, char[] getGenericSignature, int getModifiers,
                              Constant getConstant, long getTagBits) implements IBinaryField, IRecordComponent {
        static FieldShape of(FieldBinding field) {
            Constant constant;
            try {
                constant = field.constant();
            } catch (RuntimeException e) {
                constant = Constant.NotAConstant; // an initializer JDT could not evaluate: not a constant to us either
            }
            return new FieldShape(field.name, field.type.signature(), field.genericSignature(),
                    field.getAccessFlags(), constant == null ? Constant.NotAConstant : constant,
                    field.getAnnotationTagBits() & TagBits.AllStandardAnnotationsMask);
        }

        void write(java.io.DataOutputStream out) throws java.io.IOException {
            ShapeCodec.chars(out, getName);
            ShapeCodec.chars(out, getTypeName);
            ShapeCodec.chars(out, getGenericSignature);
            out.writeInt(getModifiers);
            ShapeCodec.constant(out, getConstant);
            out.writeLong(getTagBits);
        }

        static FieldShape read(java.io.DataInputStream in) throws java.io.IOException {
            return new FieldShape(ShapeCodec.chars(in), ShapeCodec.chars(in), ShapeCodec.chars(in), in.readInt(),
                    ShapeCodec.constant(in), in.readLong());
        }

        @Override public IBinaryAnnotation[] getAnnotations() { return null; }
        @Override public IBinaryTypeAnnotation[] getTypeAnnotations() { return null; }
    }

    private record MethodShape(char[] getSelector, char[] getMethodDescriptor, char[] getGenericSignature, int getModifiers,
                               char[][] getExceptionTypeNames, Object getDefaultValue, long getTagBits) implements IBinaryMethod {
        static MethodShape of(MethodBinding method) {
            // Enum values()/valueOf() and record members JDT adds are synthetic bindings but real methods in a class
            // file; only a class file's own synthetic methods (never among these) are hidden by BinaryTypeBinding.
            int flags = method.getAccessFlags() & ~ClassFileConstants.AccSynthetic;
            flags |= method.modifiers & ClassFileConstants.AccAnnotationDefault;
            Object defaultValue = null;
            if ((flags & ClassFileConstants.AccAnnotationDefault) != 0) {
                try {
                    defaultValue = elementValue(method.getDefaultValue());
                } catch (RuntimeException e) {
                    defaultValue = null; // the flag alone keeps "missing attribute" errors away
                }
            }
            return new MethodShape(method.selector, method.signature(), method.genericSignature(), flags,
                    names(method.thrownExceptions, CharOperation.NO_CHAR_CHAR), defaultValue,
                    method.getAnnotationTagBits() & TagBits.AllStandardAnnotationsMask);
        }

        void write(java.io.DataOutputStream out) throws java.io.IOException {
            ShapeCodec.chars(out, getSelector);
            ShapeCodec.chars(out, getMethodDescriptor);
            ShapeCodec.chars(out, getGenericSignature);
            out.writeInt(getModifiers);
            ShapeCodec.names(out, getExceptionTypeNames);
            ShapeCodec.elementValue(out, getDefaultValue);
            out.writeLong(getTagBits);
        }

        static MethodShape read(java.io.DataInputStream in) throws java.io.IOException {
            return new MethodShape(ShapeCodec.chars(in), ShapeCodec.chars(in), ShapeCodec.chars(in), in.readInt(),
                    ShapeCodec.names(in), ShapeCodec.elementValue(in), in.readLong());
        }

        /** An annotation member's default value in the class-file reader's terms; null for what we do not carry. */
        private static Object elementValue(Object value) {
            return switch (value) {
                case Constant constant -> constant;
                case TypeBinding type -> new ClassSignature(type.signature());
                case FieldBinding enumConstant -> new EnumConstantSignature(enumConstant.declaringClass.signature(), enumConstant.name);
                case Object[] array -> {
                    Object[] converted = new Object[array.length];
                    for (int i = 0; i < array.length; i++) {
                        converted[i] = elementValue(array[i]);
                        if (converted[i] == null) yield null;
                    }
                    yield converted;
                }
                case null, default -> null;
            };
        }

        @Override public IBinaryAnnotation[] getAnnotations() { return null; }
        @Override public IBinaryAnnotation[] getParameterAnnotations(int index, char[] classFileName) { return null; }
        @Override public int getAnnotatedParametersCount() { return 0; }
        @Override public boolean isClinit() { return false; }
        @Override public IBinaryTypeAnnotation[] getTypeAnnotations() { return null; }
        @Override public boolean isConstructor() { return getSelector.length == 6 && String.valueOf(getSelector).equals("<init>"); }
        @Override public char[][] getArgumentNames() { return null; }
    }
}
