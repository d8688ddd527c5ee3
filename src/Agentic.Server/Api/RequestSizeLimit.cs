using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Agentic.Server.Api;

/// <summary>
/// Refuses a request body over <see cref="ApiOptions.MaxRequestBytes"/> with 413 whatever server runs the app (Kestrel
/// enforces the same limit itself; a test server or a proxy-fed host may not): by its Content-Length at once, and a
/// body without one when reading passes the limit.
/// </summary>
internal sealed class RequestSizeLimit(RequestDelegate next, IOptions<ApiOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limit = options.Value.MaxRequestBytes;
        if (context.Request.ContentLength > limit)
        {
            throw new BadHttpRequestException($"the request body is {context.Request.ContentLength} bytes; the limit is {limit}", StatusCodes.Status413PayloadTooLarge);
        }

        if (context.Request.ContentLength is null && context.Request.Body.CanRead)
        {
            context.Request.Body = new LimitedStream(context.Request.Body, limit);
        }

        return next(context);
    }

    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Counted(int read)
        {
            _read += read;
            return _read > limit
                ? throw new BadHttpRequestException($"the request body is over the limit of {limit} bytes", StatusCodes.Status413PayloadTooLarge)
                : read;
        }
    }
}
