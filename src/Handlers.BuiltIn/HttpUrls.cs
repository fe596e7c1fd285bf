using System.Net.Http.Headers;
using System.Text;

namespace Jobs.Handlers.BuiltIn;

/// <summary>
/// Credentials in an <c>http</c> job's URL (<c>user:password@host</c>): sent as a Basic
/// <c>Authorization</c> header, and shown as <c>***</c> wherever the URL is written (errors, job
/// history, logs), so a password never reaches them.
/// </summary>
public static class HttpUrls
{
    /// <summary>The URL for messages: any user info replaced by <c>***</c>.</summary>
    public static string Shown(Uri uri) =>
        uri.UserInfo.Length == 0 ? uri.AbsoluteUri : WithoutUserInfo(uri).AbsoluteUri.Replace("://", "://***@", StringComparison.Ordinal);

    /// <summary>The URL the request goes to: without user info.</summary>
    public static Uri WithoutUserInfo(Uri uri) =>
        uri.UserInfo.Length == 0 ? uri : new Uri(uri.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.UserInfo, UriFormat.UriEscaped));

    /// <summary>The URL's user info as Basic credentials, or null when it has none.</summary>
    public static AuthenticationHeaderValue? BasicCredentials(Uri uri) =>
        uri.UserInfo.Length == 0
            ? null
            : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(uri.UserInfo))));
}
