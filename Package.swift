// swift-tools-version:6.2
import PackageDescription

// Warnings are bugs: every target of ours fails the build on one.
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "door-greeter",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "door-greeter", targets: ["door-greeter"]),
        .library(name: "GreeterCore", targets: ["GreeterCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // The only code that sees cv::. Links just the three OpenCV modules it uses, not pkg-config's 55: photos
        // are decoded by libjpeg-turbo, libpng and libwebp themselves and videos by an ffmpeg child process, so
        // imgcodecs and videoio (GDAL, GStreamer, FFmpeg, ... ~200 libraries) stay out of the process.
        .target(
            name: "CVisionBridge",
            cxxSettings: [.unsafeFlags(["-I/usr/include/opencv4", "-O2", "-fno-math-errno"])],
            linkerSettings: [
                .linkedLibrary("opencv_core"), .linkedLibrary("opencv_imgproc"), .linkedLibrary("opencv_dnn"),
                .linkedLibrary("jpeg"), .linkedLibrary("png16"), .linkedLibrary("webp"),
            ]
        ),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CEspeakNG", pkgConfig: "espeak-ng", providers: [.apt(["libespeak-ng-dev"])]),
        .systemLibrary(name: "CV4L2", pkgConfig: "libv4lconvert", providers: [.apt(["libv4l-dev"])]),
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        // inotify, ioctl and other Linux calls that Glibc's Swift overlay does not import cleanly.
        .target(name: "CLinuxShims"),
        .target(
            name: "GreeterCore",
            dependencies: [
                "CVisionBridge", "CHDF5", "CEspeakNG", "CV4L2", "CMosquitto", "CLinuxShims",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                // System calls with EINTR retried in one place (FileDescriptor, Errno, FilePath).
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "door-greeter",
            dependencies: [
                "GreeterCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                // Start, signals, reload and graceful shutdown as a ServiceGroup.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "GreeterCoreTests", dependencies: ["GreeterCore"], swiftSettings: strict),
        .testTarget(name: "EndToEndTests", dependencies: ["GreeterCore"], swiftSettings: strict),
    ],
    cxxLanguageStandard: .cxx17
)
