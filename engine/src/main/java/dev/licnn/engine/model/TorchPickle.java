package dev.licnn.engine.model;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A restricted pickle machine for PyTorch state dicts ({@code data.pkl} of a {@code torch.save}
 * archive). It knows only the opcodes a state dict uses and only these globals: {@code
 * collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2}, {@code
 * torch._utils._rebuild_parameter} and the {@code torch.*Storage} classes, which may appear only in
 * persistent ids. Nothing is imported or called: a global is a name, and a call of an allowed
 * global builds a plain Java value. Any other global or opcode is refused, and the message names it
 * ({@code refused: pickle global os.system}).
 *
 * <pre>{@code
 * Object root = TorchPickle.load(bytes);   // Map<String, Object> of TorchPickle.Tensor
 * }</pre>
 */
final class TorchPickle {

    /** Storage element types, by the name of the torch storage class. */
    enum StorageType {
        FLOAT(4),
        HALF(2),
        BFLOAT16(2),
        DOUBLE(8),
        LONG(8),
        INT(4),
        SHORT(2),
        CHAR(1),
        BYTE(1),
        BOOL(1);

        final int bytes;

        StorageType(int bytes) {
            this.bytes = bytes;
        }

        boolean isFloating() {
            return this == FLOAT || this == HALF || this == BFLOAT16 || this == DOUBLE;
        }

        static StorageType ofClass(String name) {
            switch (name) {
                case "FloatStorage":
                    return FLOAT;
                case "HalfStorage":
                    return HALF;
                case "BFloat16Storage":
                    return BFLOAT16;
                case "DoubleStorage":
                    return DOUBLE;
                case "LongStorage":
                    return LONG;
                case "IntStorage":
                    return INT;
                case "ShortStorage":
                    return SHORT;
                case "CharStorage":
                    return CHAR;
                case "ByteStorage":
                    return BYTE;
                case "BoolStorage":
                    return BOOL;
                default:
                    return null;
            }
        }
    }

    /** A storage named by a persistent id: the bytes are {@code data/KEY} of the archive. */
    record Storage(StorageType type, String key, long numel) {}

    /** A tensor view of a storage. */
    record Tensor(Storage storage, long offset, long[] size, long[] stride) {

        long numel() {
            long n = 1;
            for (long s : size) {
                n *= s;
            }
            return n;
        }

        /** Row-major contiguous, starting at element 0 and covering the whole storage. */
        boolean coversStorage() {
            long expect = 1;
            for (int i = size.length - 1; i >= 0; i--) {
                if (size[i] != 1 && stride[i] != expect) {
                    return false;
                }
                expect *= size[i];
            }
            return offset == 0 && numel() == storage.numel();
        }
    }

    private record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    private record Tuple(List<Object> items) {}

    private static final Object MARK = new Object();

    private static final Set<String> CALLABLE =
            Set.of(
                    "collections.OrderedDict",
                    "torch._utils._rebuild_tensor_v2",
                    "torch._utils._rebuild_parameter");

    private final byte[] data;
    private int pos;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final ArrayList<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private TorchPickle(byte[] data) {
        this.data = data;
    }

    /**
     * Runs the pickle.
     *
     * @param data the pickle bytes
     * @return the unpickled value: maps, lists, strings, numbers and {@link Tensor}s
     * @throws ModelFormatException on a refused global or opcode, or a malformed pickle
     */
    static Object load(byte[] data) throws ModelFormatException {
        try {
            return new TorchPickle(data).run();
        } catch (IndexOutOfBoundsException | ClassCastException e) {
            throw new ModelFormatException("malformed pickle: " + e.getMessage(), e);
        }
    }

    private Object run() throws ModelFormatException {
        while (true) {
            if (pos >= data.length) {
                throw new ModelFormatException("malformed pickle: no STOP before the end");
            }
            int at = pos;
            int op = data[pos++] & 0xff;
            switch (op) {
                case 0x80: // PROTO
                    pos++;
                    break;
                case 0x95: // FRAME
                    pos += 8;
                    break;
                case '.': // STOP
                    return pop();
                case '(': // MARK
                    marks.add(stack.size());
                    break;
                case '}': // EMPTY_DICT
                    push(new LinkedHashMap<Object, Object>());
                    break;
                case ']': // EMPTY_LIST
                    push(new ArrayList<Object>());
                    break;
                case ')': // EMPTY_TUPLE
                    push(new Tuple(List.of()));
                    break;
                case 't': // TUPLE
                    push(new Tuple(popMark()));
                    break;
                case 0x85: // TUPLE1
                    push(new Tuple(java.util.Collections.singletonList(pop())));
                    break;
                case 0x86: // TUPLE2
                    {
                        Object b = pop();
                        Object a = pop();
                        push(new Tuple(java.util.Arrays.asList(a, b)));
                        break;
                    }
                case 0x87: // TUPLE3
                    {
                        Object c = pop();
                        Object b = pop();
                        Object a = pop();
                        push(new Tuple(java.util.Arrays.asList(a, b, c)));
                        break;
                    }
                case 'N':
                    push(null);
                    break;
                case 0x88:
                    push(Boolean.TRUE);
                    break;
                case 0x89:
                    push(Boolean.FALSE);
                    break;
                case 'K': // BININT1
                    push((long) (data[pos++] & 0xff));
                    break;
                case 'M': // BININT2
                    push((long) ((data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8));
                    pos += 2;
                    break;
                case 'J': // BININT
                    push((long) readInt32());
                    break;
                case 0x8a: // LONG1
                    {
                        int n = data[pos++] & 0xff;
                        push(readLong(n));
                        break;
                    }
                case 'G': // BINFLOAT (big-endian)
                    {
                        long bits = 0;
                        for (int i = 0; i < 8; i++) {
                            bits = bits << 8 | (data[pos++] & 0xff);
                        }
                        push(Double.longBitsToDouble(bits));
                        break;
                    }
                case 'X': // BINUNICODE
                    {
                        int n = readInt32();
                        push(readString(n));
                        break;
                    }
                case 0x8c: // SHORT_BINUNICODE
                    {
                        int n = data[pos++] & 0xff;
                        push(readString(n));
                        break;
                    }
                case 'q': // BINPUT
                    memo.put((long) (data[pos++] & 0xff), peek());
                    break;
                case 'r': // LONG_BINPUT
                    memo.put(readInt32() & 0xffffffffL, peek());
                    break;
                case 0x94: // MEMOIZE
                    memo.put((long) memo.size(), peek());
                    break;
                case 'h': // BINGET
                    push(memoGet(data[pos++] & 0xff));
                    break;
                case 'j': // LONG_BINGET
                    push(memoGet(readInt32() & 0xffffffffL));
                    break;
                case 'c': // GLOBAL
                    {
                        String module = readLine();
                        String name = readLine();
                        push(global(module, name));
                        break;
                    }
                case 0x93: // STACK_GLOBAL
                    {
                        Object name = pop();
                        Object module = pop();
                        if (!(module instanceof String) || !(name instanceof String)) {
                            throw new ModelFormatException(
                                    "malformed pickle: STACK_GLOBAL without two names");
                        }
                        push(global((String) module, (String) name));
                        break;
                    }
                case 'Q': // BINPERSID
                    push(persistent(pop()));
                    break;
                case 'R': // REDUCE
                    {
                        Object args = pop();
                        Object fn = pop();
                        push(call(fn, args));
                        break;
                    }
                case 'b': // BUILD: the state of an OrderedDict (its _metadata) is not needed
                    {
                        pop();
                        if (!(peek() instanceof Map) && !(peek() instanceof Tensor)) {
                            throw new ModelFormatException(
                                    "refused: pickle BUILD on " + describe(peek()));
                        }
                        break;
                    }
                case 's': // SETITEM
                    {
                        Object v = pop();
                        Object k = pop();
                        asDict(peek()).put(k, v);
                        break;
                    }
                case 'u': // SETITEMS
                    {
                        List<Object> items = popMark();
                        Map<Object, Object> d = asDict(peek());
                        for (int i = 0; i + 1 < items.size(); i += 2) {
                            d.put(items.get(i), items.get(i + 1));
                        }
                        break;
                    }
                case 'a': // APPEND
                    {
                        Object v = pop();
                        asList(peek()).add(v);
                        break;
                    }
                case 'e': // APPENDS
                    {
                        List<Object> items = popMark();
                        asList(peek()).addAll(items);
                        break;
                    }
                default:
                    throw new ModelFormatException(
                            String.format(
                                    "refused: pickle opcode 0x%02x at byte %d (not used by state dicts)",
                                    op, at));
            }
        }
    }

    private static Object global(String module, String name) throws ModelFormatException {
        String full = module + "." + name;
        if (CALLABLE.contains(full)
                || module.equals("torch") && StorageType.ofClass(name) != null) {
            return new Global(module, name);
        }
        String hint =
                module.startsWith("torchvision")
                                || module.startsWith("torch.nn")
                                || module.startsWith("__main__")
                        ? " (a whole pickled model: save model.state_dict() instead)"
                        : " (a state dict holds only tensors and ordered dicts)";
        throw new ModelFormatException("refused: pickle global " + full + hint);
    }

    private static Object persistent(Object pid) throws ModelFormatException {
        if (pid instanceof Tuple t
                && t.items().size() == 5
                && "storage".equals(t.items().get(0))
                && t.items().get(1) instanceof Global g
                && g.module().equals("torch")
                && StorageType.ofClass(g.name()) != null
                && t.items().get(2) instanceof String key
                && t.items().get(4) instanceof Long numel) {
            if (!key.matches("[0-9A-Za-z_]+")) {
                throw new ModelFormatException("refused: storage key '" + key + "'");
            }
            return new Storage(StorageType.ofClass(g.name()), key, numel);
        }
        throw new ModelFormatException("refused: persistent id " + describe(pid));
    }

    private static Object call(Object fn, Object args) throws ModelFormatException {
        if (!(fn instanceof Global g) || !(args instanceof Tuple t)) {
            throw new ModelFormatException("refused: pickle REDUCE on " + describe(fn));
        }
        List<Object> a = t.items();
        switch (g.toString()) {
            case "collections.OrderedDict":
                if (!a.isEmpty()) {
                    throw new ModelFormatException(
                            "refused: collections.OrderedDict with arguments");
                }
                return new LinkedHashMap<Object, Object>();
            case "torch._utils._rebuild_tensor_v2":
                if (a.size() < 4
                        || !(a.get(0) instanceof Storage s)
                        || !(a.get(1) instanceof Long offset)
                        || !(a.get(2) instanceof Tuple size)
                        || !(a.get(3) instanceof Tuple stride)
                        || size.items().size() != stride.items().size()) {
                    throw new ModelFormatException(
                            "malformed pickle: _rebuild_tensor_v2 arguments " + describe(args));
                }
                Tensor tensor = new Tensor(s, offset, longs(size), longs(stride));
                checkBounds(tensor);
                return tensor;
            case "torch._utils._rebuild_parameter":
                if (a.isEmpty() || !(a.get(0) instanceof Tensor p)) {
                    throw new ModelFormatException(
                            "malformed pickle: _rebuild_parameter arguments " + describe(args));
                }
                return p;
            default:
                throw new ModelFormatException("refused: pickle call of " + g);
        }
    }

    private static void checkBounds(Tensor t) throws ModelFormatException {
        long last = t.offset();
        for (int i = 0; i < t.size().length; i++) {
            if (t.size()[i] < 0 || t.stride()[i] < 0) {
                throw new ModelFormatException("malformed pickle: negative size or stride");
            }
            if (t.size()[i] > 0) {
                last += (t.size()[i] - 1) * t.stride()[i];
            }
        }
        if (t.offset() < 0 || t.numel() > 0 && last >= t.storage().numel()) {
            throw new ModelFormatException(
                    "malformed pickle: a tensor reaches past its storage of "
                            + t.storage().numel()
                            + " elements");
        }
    }

    private static long[] longs(Tuple t) throws ModelFormatException {
        long[] out = new long[t.items().size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.items().get(i) instanceof Long v)) {
                throw new ModelFormatException("malformed pickle: non-integer size or stride");
            }
            out[i] = v;
        }
        return out;
    }

    static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Global g) {
            return g.toString();
        }
        if (o instanceof Tuple t) {
            List<String> parts = new ArrayList<>();
            for (Object x : t.items()) {
                parts.add(describe(x));
            }
            return "(" + String.join(", ", parts) + ")";
        }
        if (o instanceof String s) {
            return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
        }
        if (o instanceof Map) {
            return "a dict";
        }
        if (o instanceof List) {
            return "a list";
        }
        if (o instanceof Tensor) {
            return "a tensor";
        }
        return String.valueOf(o);
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> asDict(Object o) throws ModelFormatException {
        if (o instanceof Map) {
            return (Map<Object, Object>) o;
        }
        throw new ModelFormatException("malformed pickle: SETITEM on " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object o) throws ModelFormatException {
        if (o instanceof ArrayList) {
            return (List<Object>) o;
        }
        throw new ModelFormatException("malformed pickle: APPEND on " + describe(o));
    }

    private Object memoGet(long i) throws ModelFormatException {
        if (!memo.containsKey(i)) {
            throw new ModelFormatException("malformed pickle: memo " + i + " is empty");
        }
        return memo.get(i);
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() throws ModelFormatException {
        if (stack.isEmpty() || !marks.isEmpty() && stack.size() <= marks.get(marks.size() - 1)) {
            throw new ModelFormatException("malformed pickle: stack underflow at byte " + pos);
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() throws ModelFormatException {
        if (stack.isEmpty()) {
            throw new ModelFormatException("malformed pickle: empty stack at byte " + pos);
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() throws ModelFormatException {
        if (marks.isEmpty()) {
            throw new ModelFormatException("malformed pickle: no MARK at byte " + pos);
        }
        int from = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(from, stack.size()));
        stack.subList(from, stack.size()).clear();
        return items;
    }

    private int readInt32() {
        int v =
                (data[pos] & 0xff)
                        | (data[pos + 1] & 0xff) << 8
                        | (data[pos + 2] & 0xff) << 16
                        | (data[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    private Object readLong(int n) throws ModelFormatException {
        if (n > 8) {
            throw new ModelFormatException("refused: a " + n + "-byte integer in the pickle");
        }
        byte[] be = new byte[Math.max(n, 1)];
        for (int i = 0; i < n; i++) {
            be[n - 1 - i] = data[pos + i];
        }
        pos += n;
        return n == 0 ? 0L : new BigInteger(be).longValue();
    }

    private String readString(int n) throws ModelFormatException {
        if (n < 0 || pos + n > data.length) {
            throw new ModelFormatException("malformed pickle: string past the end");
        }
        String s = new String(data, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    private String readLine() throws ModelFormatException {
        int start = pos;
        while (pos < data.length && data[pos] != '\n') {
            pos++;
        }
        if (pos >= data.length) {
            throw new ModelFormatException("malformed pickle: unterminated GLOBAL");
        }
        String s = new String(data, start, pos - start, StandardCharsets.UTF_8);
        pos++;
        return s;
    }
}
