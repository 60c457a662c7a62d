package dev.hallmark.orchestrator.runner;

import static java.util.Objects.requireNonNull;

import dev.hallmark.orchestrator.OrchestratorException;
import dev.hallmark.orchestrator.OrchestratorException.Code;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The classes the sandboxed compiler produced, kept by what they were compiled from, so a push
 * whose workflow did not change skips javac (about 1 s of a cold JVM, on the path from push to
 * first step). The key is the SHA-256 of everything the compile reads ({@link Key}); an entry is
 * only the bytes javac wrote, stored after a compile that succeeded (a failure, a time-out or a
 * killed compiler is never stored, so it happens again on the next push).
 *
 * <p>The folder is the data folder's {@code compile-cache/} (0700, the orchestrator's; jobs never
 * see the data folder). Each entry is one file named by its key, written to a temporary file and
 * renamed into place; it carries the SHA-256 of its key and contents, checked before anything of it
 * is used, so a truncated or altered entry is deleted and the workflow compiled again. The total
 * size is bounded: past {@code maxBytes}, the least recently used entries go.
 *
 * <pre>{@code
 * CompileCache cache = new CompileCache(data.resolve("compile-cache"), CompileCache.DEFAULT_MAX_BYTES);
 * if (!cache.restore(key, classes)) {
 *   compile(...);            // javac in the sandbox, into classes
 *   cache.store(key, classes);
 * }
 * }</pre>
 */
final class CompileCache {
  /** The cache's whole size: thousands of workflows' classes (one is a few KiB to a few 100 KiB). */
  static final long DEFAULT_MAX_BYTES = 64L << 20;
  /** A compile whose classes are larger (or larger than the whole bound) is not kept (it still runs). */
  static final int MAX_ENTRY_BYTES = 8 << 20;
  private static final int MAX_FILES = 10_000;
  private static final byte[] MAGIC = "hallmark-compile-cache 1\n".getBytes(StandardCharsets.US_ASCII);
  private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");
  /** One name of a class file's path: what javac writes (package folders, {@code Outer$Inner.class}). */
  private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}_$.\\-]{1,255}");

  /**
   * What one compile reads: the workflow's path and bytes (the only source javac is given: it is
   * copied alone into an empty folder, with {@code -implicit:none} and no source path), the SDK
   * jar's bytes (the class path), the JDK (javac's version and home) and javac's options.
   */
  record Key(String hex) {
    Key {
      if (hex == null || !KEY.matcher(hex).matches()) {
        throw new OrchestratorException(Code.INVALID_INPUT, "a compile cache key is 64 hex digits");
      }
    }

    static Key of(String rel, byte[] sourceDigest, byte[] sdkDigest, String jdk, List<String> options) {
      MessageDigest md = sha256();
      field(md, "hallmark-compile-cache-key 1".getBytes(StandardCharsets.UTF_8));
      field(md, rel.getBytes(StandardCharsets.UTF_8));
      field(md, sourceDigest);
      field(md, sdkDigest);
      field(md, jdk.getBytes(StandardCharsets.UTF_8));
      for (String o : options) {
        field(md, o.getBytes(StandardCharsets.UTF_8));
      }
      return new Key(HexFormat.of().formatHex(md.digest()));
    }

    /** Length-prefixed, so no two different inputs hash the same bytes. */
    private static void field(MessageDigest md, byte[] b) {
      md.update(ByteBuffer.allocate(8).putLong(b.length).array());
      md.update(b);
    }
  }

  private final Path dir;
  private final long maxBytes;

  CompileCache(Path dir, long maxBytes) {
    this.dir = requireNonNull(dir, "dir").toAbsolutePath().normalize();
    if (maxBytes < 1) {
      throw new OrchestratorException(Code.INVALID_INPUT, "the compile cache's size bound must be positive");
    }
    this.maxBytes = maxBytes;
  }

  /**
   * Writes the classes of {@code key} into {@code classes} (which must not hold them yet) and
   * returns true; false when there is no entry, or when the entry fails its digest or does not
   * parse (it is then deleted and nothing of it is written).
   */
  boolean restore(Key key, Path classes) {
    Path entry = dir.resolve(key.hex());
    byte[] bytes;
    try (InputStream in = Files.newInputStream(entry, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(MAX_ENTRY_BYTES + MAGIC.length + 32 + 1);
    } catch (IOException e) {
      return false; // no entry (or not a file we can read): compile
    }
    Map<String, byte[]> files = parse(key, bytes);
    if (files == null) {
      delete(entry);
      return false;
    }
    try {
      Files.createDirectories(classes);
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        Path target = classes.resolve(f.getKey());
        Files.createDirectories(target.getParent());
        Files.write(target, f.getValue(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      }
      Files.setLastModifiedTime(entry, FileTime.fromMillis(System.currentTimeMillis())); // recently used
      return true;
    } catch (IOException e) {
      throw new OrchestratorException(Code.INVALID_INPUT, "cannot restore compiled classes: " + e.getMessage());
    }
  }

  /**
   * Keeps the regular files under {@code classes} as the entry of {@code key} (atomically: an entry
   * is whole or absent), then evicts the least recently used entries past the size bound. Never
   * fails the run: the cache is only speed.
   */
  void store(Key key, Path classes) {
    Path tmp = null;
    try {
      byte[] entry = encode(key, classes, Math.min(MAX_ENTRY_BYTES, maxBytes));
      if (entry == null) {
        return; // too large or too many files to keep
      }
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      tmp = Files.createTempFile(dir, "entry-", ".tmp");
      Files.write(tmp, entry);
      Files.move(tmp, dir.resolve(key.hex()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
      evict();
    } catch (IOException | RuntimeException e) {
      // speed only: the next push compiles again
    } finally {
      if (tmp != null) {
        delete(tmp);
      }
    }
  }

  /** Oldest-used entries first, until the entries fit {@code maxBytes}; stray temporary files of a crash go too. */
  private void evict() throws IOException {
    record Entry(Path path, long size, FileTime used) {}
    List<Entry> entries = new ArrayList<>();
    long total = 0;
    long staleBefore = System.currentTimeMillis() - 3_600_000;
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        var a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String name = p.getFileName().toString();
        if (KEY.matcher(name).matches() && a.isRegularFile()) {
          entries.add(new Entry(p, a.size(), a.lastModifiedTime()));
          total += a.size();
        } else if (name.endsWith(".tmp") && a.lastModifiedTime().toMillis() < staleBefore) {
          delete(p);
        }
      }
    }
    entries.sort(Comparator.comparing(Entry::used));
    for (Entry e : entries) {
      if (total <= maxBytes) {
        break;
      }
      delete(e.path());
      total -= e.size();
    }
  }

  /** MAGIC, SHA-256(key, body), body = count, then (path, length, bytes) per file. */
  private static byte[] encode(Key key, Path classes, long limit) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    long size = 0;
    try (Stream<Path> s = Files.walk(classes)) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          String rel = classes.relativize(p).toString();
          size += Files.size(p) + rel.length() + 8;
          if (size > limit || files.size() >= MAX_FILES || !isClassPath(rel)) {
            return null;
          }
          files.put(rel, Files.readAllBytes(p));
        }
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(body);
    out.writeInt(files.size());
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      out.writeUTF(f.getKey());
      out.writeInt(f.getValue().length);
      out.write(f.getValue());
    }
    out.flush();
    byte[] b = body.toByteArray();
    ByteArrayOutputStream entry = new ByteArrayOutputStream(MAGIC.length + 32 + b.length);
    entry.writeBytes(MAGIC);
    entry.writeBytes(digest(key, b, 0, b.length));
    entry.writeBytes(b);
    return entry.toByteArray();
  }

  /** The files of a whole, unaltered entry of {@code key}; null for anything else. */
  private static Map<String, byte[]> parse(Key key, byte[] entry) {
    int head = MAGIC.length + 32;
    if (entry.length < head + 4 || entry.length > head + MAX_ENTRY_BYTES
        || !java.util.Arrays.equals(entry, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      return null;
    }
    byte[] expected = java.util.Arrays.copyOfRange(entry, MAGIC.length, head);
    if (!MessageDigest.isEqual(expected, digest(key, entry, head, entry.length - head))) {
      return null;
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(entry, head, entry.length - head))) {
      int count = in.readInt();
      if (count < 1 || count > MAX_FILES) {
        return null;
      }
      for (int i = 0; i < count; i++) {
        String rel = in.readUTF();
        int len = in.readInt();
        if (!isClassPath(rel) || len < 0 || len > in.available() || files.containsKey(rel)) {
          return null;
        }
        files.put(rel, in.readNBytes(len));
      }
      return in.available() == 0 ? files : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** A relative path of names javac writes, ending in {@code .class}: nothing that leaves the folder. */
  private static boolean isClassPath(String rel) {
    if (!rel.endsWith(".class") || rel.length() > 4096) {
      return false;
    }
    for (String name : rel.split("/", -1)) {
      if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
        return false;
      }
    }
    return true;
  }

  private static byte[] digest(Key key, byte[] b, int off, int len) {
    MessageDigest md = sha256();
    md.update(key.hex().getBytes(StandardCharsets.US_ASCII));
    md.update(b, off, len);
    return md.digest();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The SHA-256 of a file's bytes, read without following a link. */
  static byte[] digestOf(Path file) {
    MessageDigest md = sha256();
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] buf = new byte[65536];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return md.digest();
    } catch (IOException e) {
      throw new OrchestratorException(Code.INVALID_INPUT, "cannot read " + file.getFileName() + ": " + e.getMessage());
    }
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // the next eviction tries again
    }
  }
}
