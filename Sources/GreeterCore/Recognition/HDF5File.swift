import CHDF5
import Synchronization

/// Every HDF5 call of the process runs under this lock: Debian's libhdf5 is built thread-safe but others
/// (Homebrew, conda) are not, and the error stack read after a failed call must be the caller's own.
private let hdf5Lock = Mutex(())

/// Numbers kept in HDF5 datasets and attributes: the in-memory type HDF5 converts to and the stored class
/// we accept (HDF5 would silently convert floats to integers and back).
protocol HDF5Number: BitwiseCopyable {
    static var memoryType: hid_t { get }
    static var typeClass: H5T_class_t { get }
}

extension Float: HDF5Number {
    static var memoryType: hid_t { chdf5_native_float() }
    static var typeClass: H5T_class_t { H5T_FLOAT }
}

extension Int32: HDF5Number {
    static var memoryType: hid_t { chdf5_native_int32() }
    static var typeClass: H5T_class_t { H5T_INTEGER }
}

extension Int64: HDF5Number {
    static var memoryType: hid_t { chdf5_native_int64() }
    static var typeClass: H5T_class_t { H5T_INTEGER }
}

/// One HDF5 identifier (dataspace, datatype, group, dataset, attribute), closed on every way out of a scope.
private final class Handle {
    let id: hid_t
    private let close: (hid_t) -> herr_t

    init(_ id: hid_t, close: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.close = close
    }

    deinit { _ = close(id) }
}

/// An open HDF5 file whose every failed call becomes an `EmbeddingStoreError` naming the file, the step and
/// HDF5's own explanation. Strings are variable-length UTF-8; shapes are checked before anything is read.
/// Use only inside `HDF5File.serialized`.
final class HDF5File {
    let path: String
    private var id: hid_t = -1

    /// Runs `body` holding the process-wide HDF5 lock, with HDF5's printing of errors to stderr turned off.
    static func serialized<Result: Sendable>(_ body: () throws -> Result) throws -> Result {
        try hdf5Lock.withLock { _ in
            chdf5_silence_errors()
            return try body()
        }
    }

    /// Creates (or truncates) `path` for writing, leaving the first `userBlock` bytes (0 or a power of two ≥ 512)
    /// to the caller: libhdf5 skips them.
    static func create(_ path: String, userBlock: Int = 0) throws -> HDF5File {
        let file = HDF5File(path: path)
        let properties = try file.check(H5Pcreate(chdf5_p_file_create()), "create file properties")
        defer { _ = H5Pclose(properties) }
        _ = try file.check(H5Pset_userblock(properties, hsize_t(userBlock)), "reserve a user block of \(userBlock) bytes")
        file.id = try file.check(H5Fcreate(path, chdf5_acc_trunc(), properties, chdf5_p_default()), "create")
        return file
    }

    static func openForReading(_ path: String) throws -> HDF5File {
        let file = HDF5File(path: path)
        file.id = try file.check(H5Fopen(path, chdf5_acc_rdonly(), chdf5_p_default()), "open")
        return file
    }

    private init(path: String) { self.path = path }

    deinit { if id >= 0 { _ = H5Fclose(id) } }

    /// Closes explicitly so that a failure to flush reaches the writer instead of vanishing in `deinit`.
    func close() throws {
        let closing = id
        id = -1
        try check(H5Fclose(closing), "close")
    }

    func error(_ operation: String, _ reason: String) -> EmbeddingStoreError {
        EmbeddingStoreError(path: path, operation: operation, reason: reason)
    }

    func createGroup(_ name: String) throws {
        _ = try handle(H5Gcreate2(id, name, chdf5_p_default(), chdf5_p_default(), chdf5_p_default()), H5Gclose, "create group \(name)")
    }

    // MARK: Attributes of the root group

    func writeAttribute(_ name: String, _ value: String) throws {
        let type = try utf8StringType()
        try withCStrings([value], "write attribute \(name)") { pointers in
            try writeAttribute(name, type: type.id, pointers)
        }
    }

    func writeAttribute(_ name: String, _ value: Int64) throws {
        try withUnsafeBytes(of: value) { try writeAttribute(name, type: Int64.memoryType, $0.baseAddress) }
    }

    func readStringAttribute(_ name: String) throws -> String {
        let attribute = try handle(H5Aopen(id, name, chdf5_p_default()), H5Aclose, "open attribute \(name)")
        try expect(H5T_STRING, try handle(H5Aget_type(attribute.id), H5Tclose, "read attribute \(name)"), "read attribute \(name)")
        let type = try utf8StringType()
        var pointer: UnsafeMutablePointer<CChar>? = nil
        try check(H5Aread(attribute.id, type.id, &pointer), "read attribute \(name)")
        guard let string = string(taking: pointer) else { throw error("read attribute \(name)", "is not valid UTF-8") }
        return string
    }

    func readIntegerAttribute(_ name: String) throws -> Int64 {
        let attribute = try handle(H5Aopen(id, name, chdf5_p_default()), H5Aclose, "open attribute \(name)")
        try expect(Int64.typeClass, try handle(H5Aget_type(attribute.id), H5Tclose, "read attribute \(name)"), "read attribute \(name)")
        var value: Int64 = 0
        try check(H5Aread(attribute.id, Int64.memoryType, &value), "read attribute \(name)")
        return value
    }

    // MARK: Datasets

    func writeStrings(_ values: [String], to name: String) throws {
        let type = try utf8StringType()
        let dataset = try createDataset(name, type: type.id, shape: [values.count])
        try withCStrings(values, "write \(name)") { pointers in
            if !values.isEmpty { try check(H5Dwrite(dataset.id, type.id, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), pointers), "write \(name)") }
        }
    }

    /// `values` in row-major order; `shape` multiplies to `values.count`.
    func write<Number: HDF5Number>(_ values: [Number], shape: [Int], to name: String) throws {
        precondition(shape.reduce(1, *) == values.count, "HDF5File.write: shape \(shape) does not hold \(values.count) values")
        let dataset = try createDataset(name, type: Number.memoryType, shape: shape)
        if !values.isEmpty { try check(H5Dwrite(dataset.id, Number.memoryType, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), values), "write \(name)") }
    }

    func readStrings(_ name: String) throws -> [String] {
        let dataset = try handle(H5Dopen2(id, name, chdf5_p_default()), H5Dclose, "open \(name)")
        try expect(H5T_STRING, try handle(H5Dget_type(dataset.id), H5Tclose, "read \(name)"), "read \(name)")
        let count = try shape(of: dataset, name, rank: 1)[0]
        guard count > 0 else { return [] }
        let type = try utf8StringType()
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        try check(H5Dread(dataset.id, type.id, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), &pointers), "read \(name)")
        let strings = pointers.map(string(taking:))
        if let bad = strings.firstIndex(of: nil) { throw error("read \(name)", "entry \(bad) is not valid UTF-8") }
        return strings.compactMap { $0 }
    }

    /// The values in row-major order and the dataset's shape, which must have `rank` dimensions.
    func read<Number: HDF5Number>(_: Number.Type, _ name: String, rank: Int) throws -> (values: [Number], shape: [Int]) {
        let dataset = try handle(H5Dopen2(id, name, chdf5_p_default()), H5Dclose, "open \(name)")
        try expect(Number.typeClass, try handle(H5Dget_type(dataset.id), H5Tclose, "read \(name)"), "read \(name)")
        let shape = try shape(of: dataset, name, rank: rank)
        let count = shape.reduce(1, *)
        let values = try [Number](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 { try check(H5Dread(dataset.id, Number.memoryType, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), buffer.baseAddress), "read \(name)") }
            initialized = count
        }
        return (values, shape)
    }

    // MARK: Helpers

    private func writeAttribute(_ name: String, type: hid_t, _ value: UnsafeRawPointer?) throws {
        let space = try handle(H5Screate(H5S_SCALAR), H5Sclose, "write attribute \(name)")
        let attribute = try handle(H5Acreate2(id, name, type, space.id, chdf5_p_default(), chdf5_p_default()), H5Aclose, "create attribute \(name)")
        try check(H5Awrite(attribute.id, type, value), "write attribute \(name)")
    }

    private func createDataset(_ name: String, type: hid_t, shape: [Int]) throws -> Handle {
        let dimensions = shape.map { hsize_t($0) }
        let space = try handle(H5Screate_simple(Int32(dimensions.count), dimensions, nil), H5Sclose, "create dataspace of \(name)")
        return try handle(H5Dcreate2(id, name, type, space.id, chdf5_p_default(), chdf5_p_default(), chdf5_p_default()), H5Dclose, "create \(name)")
    }

    /// The dataset's dimensions, refused when a corrupt header claims more elements than the file has bytes:
    /// otherwise a damaged cache could make us allocate terabytes.
    private func shape(of dataset: Handle, _ name: String, rank: Int) throws -> [Int] {
        let space = try handle(H5Dget_space(dataset.id), H5Sclose, "read shape of \(name)")
        let actualRank = try check(H5Sget_simple_extent_ndims(space.id), "read shape of \(name)")
        guard actualRank == rank else { throw error("read \(name)", "has \(actualRank) dimensions, expected \(rank)") }
        var dimensions = [hsize_t](repeating: 0, count: rank)
        try check(H5Sget_simple_extent_dims(space.id, &dimensions, nil), "read shape of \(name)")
        var fileSize: hsize_t = 0
        try check(H5Fget_filesize(id, &fileSize), "read size")
        // In Double, where a product of garbage dimensions cannot overflow.
        guard dimensions.reduce(1.0, { $0 * Double($1) }) <= Double(fileSize) else {
            throw error("read \(name)", "claims shape \(dimensions), more elements than the file's \(fileSize) bytes can hold")
        }
        return dimensions.map { Int($0) }
    }

    private func utf8StringType() throws -> Handle {
        let type = try handle(H5Tcopy(chdf5_c_s1()), H5Tclose, "create string type")
        try check(H5Tset_size(type.id, chdf5_variable_size()), "create string type")
        try check(H5Tset_cset(type.id, H5T_CSET_UTF8), "create string type")
        return type
    }

    /// Strings must be variable-length: HDF5 cannot convert fixed-length ones to them on reading.
    private func expect(_ typeClass: H5T_class_t, _ type: Handle, _ operation: String) throws {
        let actual = H5Tget_class(type.id)
        guard actual == typeClass else { throw error(operation, "holds \(describe(actual)), expected \(describe(typeClass))") }
        guard typeClass != H5T_STRING || H5Tis_variable_str(type.id) > 0 else {
            throw error(operation, "holds fixed-length strings, expected variable-length ones")
        }
    }

    private func describe(_ typeClass: H5T_class_t) -> String {
        switch typeClass {
        case H5T_INTEGER: "integers"
        case H5T_FLOAT: "floats"
        case H5T_STRING: "strings"
        default: "HDF5 type class \(typeClass.rawValue)"
        }
    }

    /// NUL-terminated copies of `strings` in one buffer, as the array of `char *` HDF5 writes from.
    private func withCStrings(_ strings: [String], _ operation: String, _ body: ([UnsafePointer<CChar>?]) throws -> Void) throws {
        var bytes: [CChar] = []
        var offsets: [Int] = []
        for string in strings {
            guard !string.utf8.contains(0) else { throw error(operation, "\"\(string)\" contains a NUL character") }
            offsets.append(bytes.count)
            bytes.append(contentsOf: string.utf8.map { CChar(bitPattern: $0) })
            bytes.append(0)
        }
        try bytes.withUnsafeBufferPointer { buffer in try body(offsets.map { buffer.baseAddress! + $0 }) }
    }

    /// Converts and frees one string HDF5 allocated: nil when it is not UTF-8; a null pointer is HDF5's empty string.
    private func string(taking pointer: UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer else { return "" }
        defer { H5free_memory(pointer) }
        return String(validatingCString: pointer)
    }

    private func handle(_ id: hid_t, _ close: @escaping (hid_t) -> herr_t, _ operation: @autoclosure () -> String) throws -> Handle {
        Handle(try check(id, operation()), close: close)
    }

    @discardableResult
    private func check<Code: BinaryInteger>(_ result: Code, _ operation: @autoclosure () -> String) throws -> Code {
        guard result < 0 else { return result }
        throw error(operation(), Self.takeErrorStack())
    }

    /// HDF5's explanation of the last failure, outermost and innermost message ("unable to open file: file
    /// signature not found"), and an empty stack for the next call.
    private static func takeErrorStack() -> String {
        var messages: [String] = []
        withUnsafeMutablePointer(to: &messages) { messages in
            _ = H5Ewalk2(chdf5_e_default(), H5E_WALK_DOWNWARD, { _, error, context in
                if let description = error?.pointee.desc, let context {
                    context.assumingMemoryBound(to: [String].self).pointee.append(String(cString: description))
                }
                return 0
            }, messages)
        }
        H5Eclear2(chdf5_e_default())
        guard let outermost = messages.first, let innermost = messages.last else { return "HDF5 gave no reason" }
        return outermost == innermost ? outermost : "\(outermost): \(innermost)"
    }
}
