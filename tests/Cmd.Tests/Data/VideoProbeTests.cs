using Cmd.Data;

namespace Cmd.Tests.Data;

/// <summary>Video metadata (size, frame count, frame rate) of the real opencv-doc videos.</summary>
[Collection("opencv")]
public class VideoProbeTests(OpenCvFixture videos)
{
    [Fact]
    public void ProbeReadsTheRealVideosMetadata()
    {
        var vtest = VideoProbe.Probe(videos.PathOf("vtest.avi"));
        Assert.Equal((768, 576, 795), (vtest.Width, vtest.Height, vtest.Frames));
        Assert.Equal(10.0, vtest.Fps, 3);
        var mega = VideoProbe.Probe(videos.PathOf("Megamind.avi"));
        Assert.Equal((720, 528, 270), (mega.Width, mega.Height, mega.Frames));
        Assert.Equal(2997.0 / 125, mega.Fps, 3);
    }
}
