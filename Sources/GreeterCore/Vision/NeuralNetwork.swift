import Glibc
import CVisionBridge
import Synchronization

/// A float tensor that a network produced.
public struct Tensor: Sendable {
    public let shape: [Int]
    public let values: [Float]
}

/// One cv::dnn network. cv::dnn::Net is not reentrant, so calls are serialized by a lock; each pipeline stage
/// owns its own networks and never waits on it in practice.
public final class NeuralNetwork: Sendable {
    // Only touched under `lock`, which is what makes sharing the handle safe.
    private nonisolated(unsafe) let handle: OpaquePointer
    private let lock = Mutex(())
    public let name: String

    /// Loads an ONNX or TensorFlow file by its extension.
    public init(path: String) throws {
        guard let net = cvb_net_load(path) else { throw VisionError.last("cannot load model \(path)") }
        handle = net
        name = path
    }

    deinit {
        cvb_net_free(handle)
    }

    /// Runs the network on `input` laid out as `shape` and returns the named outputs in order.
    public func forward(_ input: [Float], shape: [Int], outputs: [String]) throws -> [Tensor] {
        precondition(shape.reduce(1, *) == input.count, "input of \(input.count) values does not fill shape \(shape)")
        let dims = shape.map { Int32($0) }
        var results = [cvb_tensor](repeating: cvb_tensor(), count: outputs.count)
        let cNames = outputs.map { strdup($0) }
        defer { cNames.forEach { free($0) } }
        let status = lock.withLock { _ in
            input.withUnsafeBufferPointer { inputBuffer in
                cNames.map { UnsafePointer($0) }.withUnsafeBufferPointer { names in
                    cvb_net_forward(handle, inputBuffer.baseAddress, dims, Int32(dims.count), names.baseAddress,
                                    Int32(outputs.count), &results)
                }
            }
        }
        defer { for index in results.indices { cvb_tensor_free(&results[index]) } }
        try VisionError.check(status, "\(name)")
        return results.map { tensor in
            let shape = withUnsafeBytes(of: tensor.shape) { raw in
                Array(raw.bindMemory(to: Int32.self).prefix(Int(tensor.dims))).map(Int.init)
            }
            return Tensor(shape: shape, values: Array(UnsafeBufferPointer(start: tensor.data, count: tensor.count)))
        }
    }
}

/// Worker threads OpenCV uses for one network call or resize.
public func setVisionThreads(_ threads: Int) {
    cvb_set_num_threads(Int32(threads))
}
