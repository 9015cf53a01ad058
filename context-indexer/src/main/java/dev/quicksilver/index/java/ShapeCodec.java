package dev.quicksilver.index.java;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.eclipse.jdt.internal.compiler.env.ClassSignature;
import org.eclipse.jdt.internal.compiler.env.EnumConstantSignature;
import org.eclipse.jdt.internal.compiler.impl.BooleanConstant;
import org.eclipse.jdt.internal.compiler.impl.ByteConstant;
import org.eclipse.jdt.internal.compiler.impl.CharConstant;
import org.eclipse.jdt.internal.compiler.impl.Constant;
import org.eclipse.jdt.internal.compiler.impl.DoubleConstant;
import org.eclipse.jdt.internal.compiler.impl.FloatConstant;
import org.eclipse.jdt.internal.compiler.impl.IntConstant;
import org.eclipse.jdt.internal.compiler.impl.LongConstant;
import org.eclipse.jdt.internal.compiler.impl.ShortConstant;
import org.eclipse.jdt.internal.compiler.impl.StringConstant;
import org.eclipse.jdt.internal.compiler.lookup.TypeIds;

/**
 * The pieces of a {@link TypeShape} in a binary stream (the persisted index keeps each file's shapes beside its
 * facts): names that may be null, lists of names, compile-time constants by their type id, and annotation default
 * values (constants, class literals, enum constants, arrays of them). A value of a kind not listed here is
 * written as absent, as {@code TypeShape} itself leaves it.
 */
final class ShapeCodec {
    private static final int ABSENT = -1;
    private static final byte VALUE_NONE = 0;
    private static final byte VALUE_CONSTANT = 1;
    private static final byte VALUE_CLASS = 2;
    private static final byte VALUE_ENUM = 3;
    private static final byte VALUE_ARRAY = 4;

    private ShapeCodec() {
    }

    static void chars(DataOutputStream out, char[] value) throws IOException {
        if (value == null) {
            out.writeInt(ABSENT);
            return;
        }
        out.writeInt(value.length);
        for (char c : value) out.writeChar(c);
    }

    static char[] chars(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length == ABSENT) return null;
        char[] value = new char[length];
        for (int i = 0; i < length; i++) value[i] = in.readChar();
        return value;
    }

    static void names(DataOutputStream out, char[][] names) throws IOException {
        if (names == null) {
            out.writeInt(ABSENT);
            return;
        }
        out.writeInt(names.length);
        for (char[] name : names) chars(out, name);
    }

    static char[][] names(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count == ABSENT) return null;
        char[][] names = new char[count][];
        for (int i = 0; i < count; i++) names[i] = chars(in);
        return names;
    }

    /** A field's compile-time constant by its type id; {@code NotAConstant} (or null) as absent. */
    static void constant(DataOutputStream out, Constant constant) throws IOException {
        if (constant == null || constant == Constant.NotAConstant) {
            out.writeInt(ABSENT);
            return;
        }
        int type = constant.typeID();
        out.writeInt(type);
        switch (type) {
            case TypeIds.T_int -> out.writeInt(constant.intValue());
            case TypeIds.T_long -> out.writeLong(constant.longValue());
            case TypeIds.T_double -> out.writeDouble(constant.doubleValue());
            case TypeIds.T_float -> out.writeFloat(constant.floatValue());
            case TypeIds.T_boolean -> out.writeBoolean(constant.booleanValue());
            case TypeIds.T_char -> out.writeChar(constant.charValue());
            case TypeIds.T_byte -> out.writeByte(constant.byteValue());
            case TypeIds.T_short -> out.writeShort(constant.shortValue());
            case TypeIds.T_JavaLangString -> chars(out, constant.stringValue().toCharArray());
            default -> throw new IOException("a constant of type id " + type + " has no stored form");
        }
    }

    static Constant constant(DataInputStream in) throws IOException {
        int type = in.readInt();
        return switch (type) {
            case ABSENT -> Constant.NotAConstant;
            case TypeIds.T_int -> IntConstant.fromValue(in.readInt());
            case TypeIds.T_long -> LongConstant.fromValue(in.readLong());
            case TypeIds.T_double -> DoubleConstant.fromValue(in.readDouble());
            case TypeIds.T_float -> FloatConstant.fromValue(in.readFloat());
            case TypeIds.T_boolean -> BooleanConstant.fromValue(in.readBoolean());
            case TypeIds.T_char -> CharConstant.fromValue(in.readChar());
            case TypeIds.T_byte -> ByteConstant.fromValue(in.readByte());
            case TypeIds.T_short -> ShortConstant.fromValue(in.readShort());
            case TypeIds.T_JavaLangString -> StringConstant.fromValue(String.valueOf(chars(in)));
            default -> throw new IOException("a stored constant has the unknown type id " + type);
        };
    }

    /** An annotation member's default value, as {@code TypeShape.MethodShape} carries it. */
    static void elementValue(DataOutputStream out, Object value) throws IOException {
        switch (value) {
            case Constant c when c != Constant.NotAConstant -> {
                out.writeByte(VALUE_CONSTANT);
                constant(out, c);
            }
            case ClassSignature c -> {
                out.writeByte(VALUE_CLASS);
                chars(out, c.getTypeName());
            }
            case EnumConstantSignature e -> {
                out.writeByte(VALUE_ENUM);
                chars(out, e.getTypeName());
                chars(out, e.getEnumConstantName());
            }
            case Object[] array -> {
                out.writeByte(VALUE_ARRAY);
                out.writeInt(array.length);
                for (Object element : array) elementValue(out, element);
            }
            case null, default -> out.writeByte(VALUE_NONE);
        }
    }

    static Object elementValue(DataInputStream in) throws IOException {
        byte kind = in.readByte();
        return switch (kind) {
            case VALUE_NONE -> null;
            case VALUE_CONSTANT -> constant(in);
            case VALUE_CLASS -> new ClassSignature(chars(in));
            case VALUE_ENUM -> new EnumConstantSignature(chars(in), chars(in));
            case VALUE_ARRAY -> {
                Object[] array = new Object[in.readInt()];
                for (int i = 0; i < array.length; i++) array[i] = elementValue(in);
                yield array;
            }
            default -> throw new IOException("a stored annotation value has the unknown kind " + kind);
        };
    }
}
