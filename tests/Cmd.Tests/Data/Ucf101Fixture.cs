namespace Cmd.Tests.Data;

/// <summary>
/// A small UCF-101 tree as distributed (&lt;root&gt;/&lt;Class&gt;/v_&lt;Class&gt;_gXX_cYY.avi and ucfTrainTestlist/ with
/// classInd.txt, trainlist01.txt, testlist01.txt): per class a coloured square moving on a grey ground, written by
/// ffmpeg as MPEG-4 AVI, RGB. Groups 8 and up are the train list, group 1 the test list, as in the real split.
/// </summary>
public static class Ucf101Fixture
{
    public static readonly string[] Classes = ["ApplyEyeMakeup", "Basketball", "YoYo"];

    public static string Write(string root, int size = 32, int frames = 20, int trainPerClass = 3)
    {
        var lists = Path.Combine(root, "ucfTrainTestlist");
        Directory.CreateDirectory(lists);
        File.WriteAllLines(Path.Combine(lists, "classInd.txt"), Classes.Select((c, i) => $"{i + 1} {c}"));
        var train = new List<string>(); var test = new List<string>();
        for (int c = 0; c < Classes.Length; c++)
            for (int v = 0; v <= trainPerClass; v++)
            {
                int group = v == 0 ? 1 : 7 + v;
                string rel = $"{Classes[c]}/v_{Classes[c]}_g{group:00}_c01.avi";
                FixtureVideos.WriteAvi(Path.Combine(root, rel), MovingSquare(c, v, size, frames), frames, size, size);
                if (group == 1) test.Add(rel); else train.Add($"{rel} {c + 1}");
            }
        File.WriteAllLines(Path.Combine(lists, "trainlist01.txt"), train);
        File.WriteAllLines(Path.Combine(lists, "testlist01.txt"), test);
        return root;
    }

    /// <summary>rgb24 frames [frames, size, size, 3]: a square of the class's colour moving right by one pixel a frame.</summary>
    static byte[] MovingSquare(int cls, int video, int size, int frames)
    {
        byte[] colour = cls switch { 0 => [220, 40, 40], 1 => [40, 200, 60], _ => [40, 80, 230] };
        var bytes = new byte[frames * size * size * 3];
        Array.Fill(bytes, (byte)110);
        int side = size / 4, top = (video * 5) % (size - side);
        for (int t = 0; t < frames; t++)
            for (int y = top; y < top + side; y++)
                for (int x = 0; x < side; x++)
                {
                    int px = (x + t + video * 3) % size;
                    int at = ((t * size + y) * size + px) * 3;
                    bytes[at] = colour[0]; bytes[at + 1] = colour[1]; bytes[at + 2] = colour[2];
                }
        return bytes;
    }
}
